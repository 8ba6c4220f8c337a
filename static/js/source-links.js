// Links to other pages and rubrics in the page editor (news/widgets.py): the list of chosen items,
// «Убрать», and Wagtail's own chooser modal in multiple mode to add more.
(function () {
  "use strict";

  function setEmpty(root) {
    const any = root.querySelector("[data-source-links-item]:not(template [data-source-links-item])");
    root.querySelector("[data-source-links-empty]").hidden = Boolean(any);
  }

  function remove(root, item) {
    const id = item.getAttribute("data-source-links-item");
    const option = root.querySelector(`[data-source-links-select] option[value="${CSS.escape(id)}"]`);
    if (option) option.remove();
    item.remove();
    setEmpty(root);
    root.querySelector("[data-source-links-select]").dispatchEvent(new Event("change", { bubbles: true }));
  }

  function add(root, result) {
    const select = root.querySelector("[data-source-links-select]");
    if (select.querySelector(`option[value="${CSS.escape(result.id)}"]`)) return;
    const option = document.createElement("option");
    option.value = result.id;
    option.selected = true;
    option.textContent = result.title;
    select.append(option);
    const item = root.querySelector("[data-source-links-template]").content.firstElementChild.cloneNode(true);
    item.setAttribute("data-source-links-item", result.id);
    item.querySelector("span").textContent = result.title;
    item.querySelector("[data-source-links-remove]").setAttribute("aria-label", `${root.getAttribute("data-remove-label")}: ${result.title}`);
    root.querySelector("[data-source-links-list]").append(item);
    setEmpty(root);
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function open(root) {
    const handlers = window.CHOOSER_MODAL_ONLOAD_HANDLERS;
    window.ModalWorkflow({
      url: root.getAttribute("data-chooser-url"),
      urlParams: { multiple: 1 },
      onload: handlers,
      responses: {
        chosen: (results) => [].concat(results).forEach((result) => add(root, result)),
      },
    });
  }

  function setUp(root) {
    if (root.dataset.sourceLinksReady) return;
    root.dataset.sourceLinksReady = "1";
    root.addEventListener("click", (event) => {
      if (event.target.closest("[data-source-links-add]")) {
        event.preventDefault();
        open(root);
      }
      const removeButton = event.target.closest("[data-source-links-remove]");
      if (removeButton) {
        event.preventDefault();
        remove(root, removeButton.closest("[data-source-links-item]"));
      }
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-source-links]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
