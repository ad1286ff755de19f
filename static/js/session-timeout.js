// The warning before the session ends (templates/includes/session_timeout.html; ADR 0085): shown
// SESSION_WARNING_SECONDS before the end the page was given. Before it warns, when the page is
// looked at again (another tab, a laptop woken), and when the time is up, it asks the server how
// long is left without counting as activity: another tab may have been used since. "Stay signed
// in" (or Escape) starts the idle limit again. Near the limit since signing in, which nothing puts
// off, it says to save, once. When the time is up the page is loaded again, and the server sends it
// to sign in, saying why.
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function" && window.fetch) {
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const idlePart = dialog.querySelector('[data-when="idle"]');
  const limitPart = dialog.querySelector('[data-when="limit"]');
  const stayForm = idlePart.querySelector("form");
  let canStay = dialog.dataset.canStay === "true";
  let toldOfTheLimit = false;
  let deadline = 0;
  let warnTimer = null;
  let endTimer = null;
  let tickTimer = null;

  const say = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const tick = () => {
    const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    for (const countdown of dialog.querySelectorAll("[data-countdown]")) countdown.textContent = say(seconds);
  };

  const show = () => {
    if (!canStay && toldOfTheLimit) return; // said once: the end reloads the page
    idlePart.hidden = !canStay;
    limitPart.hidden = canStay;
    tick();
    window.clearInterval(tickTimer);
    tickTimer = window.setInterval(tick, 1000);
    if (!dialog.open) dialog.showModal();
  };

  const hide = () => {
    window.clearInterval(tickTimer);
    if (dialog.open) dialog.close();
  };

  const leave = () => window.location.assign(window.location.href); // not reload: never a form again

  const schedule = (left) => {
    canStay = left.can_stay;
    deadline = Date.now() + left.seconds * 1000;
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(check, Math.max(0, left.seconds - warnSeconds) * 1000);
    endTimer = window.setTimeout(end, left.seconds * 1000 + 1000);
  };

  // The time left, or null when the session has ended (the server answers 401).
  const timeLeft = async (options) => {
    const response = await fetch(dialog.dataset.timeUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      redirect: "manual",
      ...options,
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("application/json")) return null;
    const left = await response.json();
    return left.seconds > 0 ? left : null;
  };

  async function check() {
    try {
      const left = await timeLeft();
      if (left === null) return leave();
      schedule(left);
      if (left.seconds <= warnSeconds) show();
      else hide();
    } catch (error) {
      if (Date.now() >= deadline - warnSeconds * 1000) show(); // the server could not be asked
    }
  }

  async function end() {
    try {
      const left = await timeLeft();
      if (left !== null) return check(); // another tab kept it going
    } catch (error) {
      // load the page again, which says what happened
    }
    leave();
  }

  const stay = async () => {
    try {
      const left = await timeLeft({ method: "POST", body: new FormData(stayForm) });
      if (left === null) return leave();
      schedule(left);
      if (left.seconds <= warnSeconds) show(); // near the limit since signing in: says to save
      else hide();
    } catch (error) {
      stayForm.submit(); // without the script's request: the form goes back to this page
    }
  };

  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: as GOV.UK's pattern, "Stay signed in" (or Close near the limit)
    if (canStay) stay();
    else dialog.close();
  });
  dialog.addEventListener("close", () => {
    window.clearInterval(tickTimer);
    if (!limitPart.hidden) toldOfTheLimit = true; // closed after reading it, not hidden by "Stay"
  });
  // Timers do not count a sleeping laptop's time, and another tab may have been used: ask again.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) check(); // back to a page the browser kept
  });

  schedule({ seconds: Number(dialog.dataset.seconds), can_stay: canStay });
}
