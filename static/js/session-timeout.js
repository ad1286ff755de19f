// The warning before the session ends (templates/includes/session_timeout.html; ADR 0085): shown
// SESSION_WARNING_SECONDS before the end the page was given. Before it warns, and when the time is
// up, it asks the server how long is left without counting as activity: another tab may have been
// used since. "Stay signed in" (or Escape) starts the idle limit again; when the time is up the page
// is loaded again, and the server sends it to sign in, saying why.
const dialog = document.getElementById("session-timeout");

if (dialog && typeof dialog.showModal === "function" && window.fetch) {
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const countdown = dialog.querySelector("[data-countdown]");
  const stayForm = dialog.querySelector('form[method="post"]');
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

  const schedule = (seconds) => {
    deadline = Date.now() + seconds * 1000;
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(check, Math.max(0, seconds - warnSeconds) * 1000);
    endTimer = window.setTimeout(end, seconds * 1000 + 1000);
  };

  const timeLeft = async (options) => {
    const response = await fetch(dialog.dataset.timeUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      ...options,
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("application/json")) return null; // signed out: the sign-in page
    return response.json();
  };

  const tick = () => {
    const seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    if (countdown) countdown.textContent = say(seconds);
  };

  const show = () => {
    tick();
    window.clearInterval(tickTimer);
    tickTimer = window.setInterval(tick, 1000);
    if (!dialog.open) dialog.showModal();
  };

  const hide = () => {
    window.clearInterval(tickTimer);
    if (dialog.open) dialog.close();
  };

  async function check() {
    try {
      const left = await timeLeft();
      if (left === null) return end();
      schedule(left.seconds);
      if (left.seconds <= warnSeconds) show();
      else hide();
    } catch (error) {
      show(); // the server could not be asked: warn as the page was told
    }
  }

  async function end() {
    try {
      const left = await timeLeft();
      if (left !== null && left.seconds > 0) return check(); // another tab kept it going
    } catch (error) {
      // fall through: load the page again, which says what happened
    }
    window.location.reload();
  }

  const stay = async () => {
    try {
      const left = await timeLeft({ method: "POST", body: new FormData(stayForm) });
      if (left === null) return window.location.reload();
      hide();
      schedule(left.seconds);
    } catch (error) {
      stayForm.submit(); // without the script's request: the form goes back to this page
    }
  };

  if (stayForm) {
    stayForm.addEventListener("submit", (event) => {
      event.preventDefault();
      stay();
    });
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault(); // Escape: as GOV.UK's pattern, the same as "Stay signed in"
      stay();
    });
  }

  schedule(Number(dialog.dataset.seconds));
}
