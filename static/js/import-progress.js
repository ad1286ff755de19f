// Updates a running import's progress bar until it finishes, then reloads the page to show the
// result. Without JavaScript the page has a "Check progress" link instead.
const panel = document.querySelector("[data-import-progress-url]");

if (panel) {
  const bar = panel.querySelector("progress");
  const message = panel.querySelector("[data-import-progress-message]");
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.importProgressUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const state = await response.json();
        if (!state.running || state.stale) {
          window.location.reload();
          return;
        }
        if (state.fraction !== null) bar.value = Math.round(state.fraction * 100);
        if (state.message && state.message !== message.textContent) message.textContent = state.message;
      }
    } catch (error) {
      // A dropped request is retried on the next tick.
    }
    window.setTimeout(poll, 1500);
  };
  window.setTimeout(poll, 1500);
}
