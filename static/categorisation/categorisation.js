// Progressive enhancement of the categorisation form: as the adviser ticks, post the form to the
// server, which computes the best fit (categorisation.best_fit, the only implementation) and
// returns the suggestion panel. Without JavaScript, "Save and update suggestion" does the same.
const form = document.querySelector("form[data-suggestion-url]");
const panel = document.getElementById("suggestion-panel");
const status = document.getElementById("suggestion-status");

if (form && panel && window.fetch) {
  let timer = null;
  let latest = 0;

  const update = async () => {
    const request = ++latest;
    try {
      const response = await fetch(form.dataset.suggestionUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok || request !== latest) return;
      const data = await response.json();
      panel.innerHTML = data.html;
      panel.dataset.level = data.level || "";
      for (const label of document.querySelectorAll("[data-suggestion-label]")) label.textContent = data.level_label;
      if (status) {
        // Emptied first, so that the same words are announced again when the level has not changed.
        status.textContent = "";
        window.setTimeout(() => {
          status.textContent = `Suggested level updated: ${data.level_label}.`;
        }, 100);
      }
    } catch (error) {
      // The page still works: the adviser can save to update the suggestion.
    }
  };

  form.addEventListener("change", (event) => {
    if (!event.target.matches("input[type=checkbox]")) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 150);
  });
}
