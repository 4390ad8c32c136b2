// The print view (print.html, the whole course as one page) shows every
// solution and hint open: paper has no buttons. Printing any other page opens
// its folds for the printout only.
(function () {
    const closed = () => Array.from(document.querySelectorAll("details:not([open])"));
    if (/(^|\/)print\.html$/.test(location.pathname)) {
        closed().forEach(function (d) { d.open = true; });
        return;
    }
    let opened = [];
    window.addEventListener("beforeprint", function () {
        opened = closed();
        opened.forEach(function (d) { d.open = true; });
    });
    window.addEventListener("afterprint", function () {
        opened.forEach(function (d) { d.open = false; });
        opened = [];
    });
})();
