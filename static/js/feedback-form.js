// After a refused submission, move focus to the error summary (or the notice) so keyboard and
// screen reader users hear what to fix. Loaded only on a page that shows one of them.
(function () {
    "use strict";
    var target = document.getElementById("error-summary") || document.getElementById("feedback-notice");
    if (target) {
        target.focus();
    }
})();
