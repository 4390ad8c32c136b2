// Printing (the print view prints the whole course): open every solution and
// hint fold first, and close them again afterwards.
(function () {
    let opened = [];
    window.addEventListener("beforeprint", function () {
        opened = Array.from(document.querySelectorAll("details:not([open])"));
        opened.forEach(function (d) { d.open = true; });
    });
    window.addEventListener("afterprint", function () {
        opened.forEach(function (d) { d.open = false; });
        opened = [];
    });
})();
