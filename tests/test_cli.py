"""The command line as a whole: version, usage errors and bad input never end in a traceback."""

from __future__ import annotations

import pytest

from chipwar import __version__


def test_version(cli) -> None:  # type: ignore[no-untyped-def]
    res = cli("--version")
    assert res.code == 0 and res.out.strip() == f"chipwar {__version__}"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (("tco", "--chip", "nvidia-h20", "--site", "us-virginia", "--format", "xml"), "xml"),
        (("tco", "--chip", "nvidia-h20", "--site", "us-virginia", "-u", "abc"), "utilization"),
        (("data", "list", "chips"), "chips"),
        (("no-such-command",), "no-such-command"),
    ],
)
def test_usage_errors_exit_2_and_name_the_value(cli, argv, needle) -> None:  # type: ignore[no-untyped-def]
    res = cli(*argv)
    assert res.code == 2
    assert needle in res.err
    assert "Traceback" not in res.err + res.out
