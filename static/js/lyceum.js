/* Lyceum progressive enhancement. Everything works without this file:
   it folds the header menu on small screens and offers a theme switch. */
(function () {
  "use strict";

  var THEME_KEY = "lyceum-theme";
  var THEMES = ["light", "dark", "contrast"];
  var root = document.documentElement;

  // Header menu: a <details> that starts open (for no-JS visitors). On small
  // screens fold it; on wide screens keep it open (its toggle is hidden).
  function setUpNavigation() {
    var nav = document.getElementById("site-nav");
    if (!nav) return;
    var wide = window.matchMedia("(min-width: 56rem)");
    function sync() {
      nav.open = wide.matches;
    }
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.open && !wide.matches) {
        nav.open = false;
        nav.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (nav.open && !wide.matches && !nav.contains(event.target)) {
        nav.open = false;
      }
    });
  }

  function savedTheme() {
    try {
      var theme = window.localStorage.getItem(THEME_KEY);
      return THEMES.indexOf(theme) === -1 ? "" : theme;
    } catch (e) {
      return "";
    }
  }

  function applyTheme(theme) {
    if (theme) {
      root.setAttribute("data-theme", theme);
    } else {
      root.removeAttribute("data-theme");
    }
    try {
      if (theme) window.localStorage.setItem(THEME_KEY, theme);
      else window.localStorage.removeItem(THEME_KEY);
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
  }

  function setUpThemeSwitcher() {
    var switcher = document.querySelector("[data-theme-switcher]");
    if (!switcher) return;
    var select = switcher.querySelector("select");
    select.value = savedTheme();
    select.addEventListener("change", function () {
      applyTheme(select.value);
    });
    switcher.hidden = false;
  }

  setUpNavigation();
  setUpThemeSwitcher();
})();
