"""The REST API and web dashboard (``chipwar serve``): FastAPI under uvicorn.

The API mirrors the CLI (``/api/v1/<command>``, answers equal to ``--format json``) by calling
the same :mod:`chipwar.commands` functions; the dashboard pages reuse the report's section
builders and strings.
"""
