// Each form's idempotency key (web/once.py), kept with the page's entry in the browser's
// history: after the back button the form is sent with the key it was drawn with, even if
// the browser fetched the page again (which draws new keys), so what was already saved is
// not saved twice. A reload, or a new visit, keeps the new keys.
(() => {
  const keys = () => [...document.querySelectorAll('input[name="idempotency_key"]')];
  const remember = () => {
    const state = history.state && typeof history.state === "object" ? history.state : {};
    history.replaceState({ ...state, idempotencyKeys: keys().map((key) => key.value) }, "");
  };
  const [arrival] = performance.getEntriesByType("navigation");
  const kept = history.state && history.state.idempotencyKeys;
  const drawn = keys();
  if (arrival && arrival.type === "back_forward" && kept && kept.length === drawn.length) {
    drawn.forEach((key, i) => {
      key.value = kept[i];
    });
  } else {
    remember();
  }
  // A form htmx draws again in place has a new key: remember that one instead.
  document.addEventListener("htmx:afterSettle", remember);
})();
