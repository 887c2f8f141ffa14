// aula serve: live reload. Served only by `aula serve`, never written by
// `aula build`. The server renders the error overlay into every page while
// the newest build fails; this script reloads after a good build, fills the
// overlay after a failed one (or reloads to get it) and drops it when fixed.
(() => {
  // The build this page came from; `ok` tells the current one on connecting.
  const built = new URL(document.currentScript.src).searchParams.get("v");
  const overlay = () => document.getElementById("__aula_overlay");
  let events = null;
  const connect = () => {
    events = new EventSource("/__aula/events");
    events.addEventListener("reload", () => location.reload());
    events.addEventListener("ok", (e) => {
      if (built !== null && e.data !== built) location.reload();
      else overlay()?.remove();
    });
    events.addEventListener("error", (e) => {
      // A lost connection is an "error" without data; EventSource retries.
      if (typeof e.data !== "string") return;
      const o = overlay();
      if (o) o.querySelector("pre").textContent = e.data;
      else location.reload();
    });
  };
  // A browser opens at most six connections to one server: hidden tabs
  // give theirs back, and catch up through `ok` when shown again.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      events?.close();
      events = null;
    } else if (!events) {
      connect();
    }
  });
  if (!document.hidden) connect();
})();
