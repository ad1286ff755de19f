// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../govuk/govuk-frontend.min.js";

// A form's button ignores a second click within a second (GOV.UK Frontend's Button), so a double
// click sends a form once. Every form that changes something; the server still refuses a repeat
// it must (a second identical save, or two people at once).
document
  .querySelectorAll('form[method="post" i] button.govuk-button, form[method="post" i] input.govuk-button')
  .forEach((button) => {
    button.setAttribute("data-module", "govuk-button");
    button.setAttribute("data-prevent-double-click", "true");
  });

initAll();
