// wagtail-localize 1.14's translation editor (a React bundle) writes a few screen-reader words in
// English, outside gettext: its action menu's "More actions". This names them in the admin's
// language, from the words Django translated for the page (data-words), as the editor renders.
(() => {
  const script = document.currentScript;
  const words = JSON.parse(script.dataset.words || "{}");
  const translate = (root) => {
    root.querySelectorAll(".w-sr-only").forEach((element) => {
      const translated = words[element.textContent.trim()];
      if (translated) element.textContent = translated;
    });
  };
  const start = () => {
    translate(document);
    new MutationObserver((changes) => {
      changes.forEach((change) => {
        change.addedNodes.forEach((node) => {
          if (node.nodeType === Node.ELEMENT_NODE) translate(node.parentNode || node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
