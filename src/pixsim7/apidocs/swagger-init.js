// Starts Swagger UI on /docs. A file of its own, not an inline script, so the page works
// under a Content-Security-Policy that allows scripts from this origin only.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    deepLinking: true,
    persistAuthorization: true,
    // The default sends the document to a public validator: nothing leaves this server.
    validatorUrl: null,
  });
})();
