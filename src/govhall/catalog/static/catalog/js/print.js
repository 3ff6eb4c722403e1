// The one-time notification sheet: show the 打印 button and print on click (nothing else).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
