// The endpoint page's small helpers (no framework: the admin's own pages, plain DOM).
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const box = document.getElementById(button.dataset.copy);
  box.select();
  const done = () => { const note = button.parentElement.querySelector(".hub-copied"); if (note) note.hidden = false; };
  // The clipboard API needs a secure context (https or localhost); the old command works elsewhere.
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(box.value).then(done, () => { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});
