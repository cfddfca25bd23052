// Starts Swagger UI (drf-spectacular-sidecar) on /api/v1/dokumentation/: a static file, so the page's
// Content Security Policy needs no inline script. validatorUrl: null – no request to swagger.io.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") return;
  SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: false, // no links nested inside the operation buttons (axe: nested-interactive)
    validatorUrl: null,
    tryItOutEnabled: false,
  });
})();
