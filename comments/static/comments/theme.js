// The colour theme: light or dark, as the browser asks (prefers-color-scheme)
// unless the reader chose with the navigation bar's button, remembered in
// this browser. Loaded synchronously in <head>, before anything is drawn,
// so that no page flashes in the other theme. It also marks the page as
// scripted ("js" on <html>): the stylesheet shows script-only controls then.
"use strict";

(function () {
  const KEY = "theme";
  const root = document.documentElement;
  const systemDark = window.matchMedia("(prefers-color-scheme: dark)");

  const stored = () => {
    try {
      const value = localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch {
      // Storage refused (a private window's settings): follow the browser.
      return null;
    }
  };
  const system = () => (systemDark.matches ? "dark" : "light");
  const apply = () => {
    const theme = stored() || system();
    root.setAttribute("data-bs-theme", theme);
    for (const button of document.querySelectorAll("[data-theme-toggle]")) {
      button.setAttribute("aria-pressed", String(theme === "dark"));
    }
  };

  root.classList.add("js");
  apply();
  // The browser's own setting changes (at dusk, say): follow it, unless
  // the reader chose.
  systemDark.addEventListener("change", apply);
  // A choice made in another tab.
  window.addEventListener("storage", (event) => {
    if (event.key === KEY) {
      apply();
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    for (const button of document.querySelectorAll("[data-theme-toggle]")) {
      button.addEventListener("click", () => {
        const theme = root.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
        try {
          // Choosing what the browser asks for anyway is following it again.
          if (theme === system()) {
            localStorage.removeItem(KEY);
          } else {
            localStorage.setItem(KEY, theme);
          }
        } catch {
          // Not remembered; this page still switches.
        }
        root.setAttribute("data-bs-theme", theme);
        button.setAttribute("aria-pressed", String(theme === "dark"));
      });
    }
    apply();
  });
})();
