// wiretrace: small progressive enhancements; every page works without this file.
"use strict";

// Open the <details> a link points at (claims and discrepancies in the dossier), then scroll to it.
function openTarget() {
  if (!location.hash) return;
  const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target && target.tagName === "DETAILS") {
    target.open = true;
    target.scrollIntoView({ block: "start" });
  }
}

// Mark the claim rows of the matrix that a discrepancy's passages belong to while it is open.
function linkDiscrepancies() {
  for (const item of document.querySelectorAll("details.discrepancy")) {
    item.addEventListener("toggle", () => {
      item.classList.toggle("active", item.open);
    });
  }
}

// A check can take a few seconds: say so and stop double submits.
function busyCheckForm() {
  const form = document.getElementById("check-form");
  if (!form) return;
  form.addEventListener("submit", () => {
    const button = document.getElementById("check-button");
    if (button) {
      button.disabled = true;
      button.textContent = "Checking…";
    }
  });
}

window.addEventListener("hashchange", openTarget);
document.addEventListener("DOMContentLoaded", () => {
  openTarget();
  linkDiscrepancies();
  busyCheckForm();
});
