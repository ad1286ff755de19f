// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "../govuk/govuk-frontend.min.js";
import "./session-timeout.js";

// A form's button ignores a second click within a second (GOV.UK Frontend's Button), so a double
// click sends a form once. Every form that changes something; the server still refuses a repeat
// it must (a second identical save, or two people at once).
document
  .querySelectorAll('form[method="post" i] button.govuk-button, form[method="post" i] input.govuk-button')
  .forEach((button) => {
    button.setAttribute("data-module", "govuk-button");
    button.setAttribute("data-prevent-double-click", "true");
  });

// A form sent, then Back to it and sent again, is the same form: the browser draws the page again
// (no page is kept, core/responses.py) with what was typed but a new key (core/once.py). So the key
// each form was sent with is kept in the history entry it was sent from, and put back when that
// entry is reached again by Back or Forward; a page reached by a link is another entry, with none.
// A form is named by where it goes and its other hidden values (a moderation sheet's rows all post
// to one address, each with its proposal), then by its place among forms with the same name.
const SENT_ONCE = 'input[name="sent_once"]';
const seen = {};
document.querySelectorAll('form[method="post" i]').forEach((form) => {
  const key = form.querySelector(SENT_ONCE);
  if (!key) return;
  const hidden = Array.from(form.querySelectorAll('input[type="hidden"]'))
    .filter((input) => input.name !== "sent_once" && input.name !== "csrfmiddlewaretoken")
    .map((input) => `${input.name}=${input.value}`);
  const identity = [form.getAttribute("action") || location.pathname, ...hidden].join("&");
  seen[identity] = (seen[identity] || 0) + 1;
  const name = `${identity}#${seen[identity]}`;
  const sent = (history.state && history.state.sentOnce) || {};
  if (sent[name]) key.value = sent[name];
  form.addEventListener("submit", () => {
    const state = history.state || {};
    history.replaceState({ ...state, sentOnce: { ...(state.sentOnce || {}), [name]: key.value } }, "");
  });
});

initAll();
