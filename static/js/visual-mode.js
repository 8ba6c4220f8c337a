// Version for the visually impaired: send the panel's choice by fetch and switch the <html>
// classes in place. Without this script the same form posts and the page reloads.
(function () {
    "use strict";
    var form = document.querySelector("[data-vm-form]");
    if (!form || !window.fetch || !window.FormData) {
        return;
    }
    var status = form.querySelector("[data-vm-status]");
    var FOCUS_KEY = "glazov-vm-focus";
    var html = document.documentElement;

    function buttonKey(button) {
        return button.name + "=" + button.value;
    }

    // After a reload (images are rendered by the server), put focus back on the pressed button.
    try {
        var saved = window.sessionStorage.getItem(FOCUS_KEY);
        if (saved) {
            window.sessionStorage.removeItem(FOCUS_KEY);
            var parts = JSON.parse(saved);
            // «Обычная версия» comes back with the panel closed; keep it open where the visitor was.
            form.closest("details").open = true;
            form.querySelectorAll("button").forEach(function (button) {
                if (buttonKey(button) === parts.key) {
                    button.focus();
                }
            });
            status.textContent = parts.message;
        }
    } catch (error) {
        // Storage may be disabled; the page still works, focus just starts at the top.
    }

    function setPressed(state) {
        form.querySelectorAll("button").forEach(function (button) {
            var pressed;
            if (button.name === "reset") {
                pressed = !state.active;
            } else {
                pressed = state.active && String(state[button.name]) === button.value;
            }
            button.setAttribute("aria-pressed", pressed ? "true" : "false");
        });
    }

    form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button) {
            return;
        }
        event.preventDefault();
        var data = new FormData(form);
        data.append(button.name, button.value);
        var imagesWereOff = html.classList.contains("vm-images-off");
        fetch(form.action, {
            method: "POST",
            body: data,
            credentials: "same-origin",
            headers: { Accept: "application/json" },
        })
            .then(function (response) {
                if (!response.ok) {
                    throw new Error(response.status);
                }
                return response.json();
            })
            .then(function (state) {
                var imagesOff = state.active && state.images === "off";
                if (imagesOff !== imagesWereOff) {
                    // Images are replaced by text on the server: reload, then restore focus.
                    try {
                        window.sessionStorage.setItem(
                            FOCUS_KEY,
                            JSON.stringify({ key: buttonKey(button), message: state.message })
                        );
                    } catch (error) {
                        // Without storage focus starts at the top after the reload.
                    }
                    window.location.reload();
                    return;
                }
                var keep = html.className.split(/\s+/).filter(function (name) {
                    return name && name !== "vm" && name.indexOf("vm-") !== 0;
                });
                html.className = keep.concat(state.html_class ? [state.html_class] : []).join(" ");
                setPressed(state);
                button.focus();
                status.textContent = "";
                // A fresh text node makes screen readers announce the same message twice in a row.
                window.setTimeout(function () {
                    status.textContent = state.message;
                }, 50);
            })
            .catch(function () {
                // Fall back to the ordinary form post (form.submit() leaves out the pressed button).
                var choice = document.createElement("input");
                choice.type = "hidden";
                choice.name = button.name;
                choice.value = button.value;
                form.appendChild(choice);
                form.submit();
            });
    });
})();
