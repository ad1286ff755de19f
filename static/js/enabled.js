// Loaded (not deferred) at the top of <body>, before anything is drawn: marks the page as having
// JavaScript, and GOV.UK Frontend as supported, so components render in their enhanced state
// without a flash. A static file rather than inline script: the Content-Security-Policy allows
// scripts from the service's own origin only (docs/adr/0015).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
