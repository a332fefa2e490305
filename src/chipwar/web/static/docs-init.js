// Swagger UI on /docs, reading the local /openapi.json (no request leaves the server).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
