// Ghimar website chat: <script src="https://<host>/chat/widget.js" data-lang="ar" defer></script>
// A launcher button in a shadow root (the page's CSS cannot reach it, nor ours the page) that
// opens the chat in a frame served by the bot (its own origin, cookie and CSP). The launcher
// appears only once the bot says this site may frame the chat (web.allowed_origins); the
// panel's close control lives in the shadow root, outside the frame, so it always works.
(function () {
  "use strict";
  var TEXTS = __TEXTS__;
  var script = document.currentScript;
  if (!script || window.__ghimarChat) return;
  window.__ghimarChat = true;
  var base = new URL(script.src, location.href);
  var origin = base.origin;
  var lang = script.getAttribute("data-lang") === "en" ? "en" : "ar";
  var words = TEXTS[lang];

  function build() {
    var host = document.createElement("div");
    host.setAttribute("data-ghimar-chat", "");
    var root = host.attachShadow({mode: "open"});
    var style = document.createElement("link");
    style.rel = "stylesheet";
    style.href = origin + "/chat/static/widget.css";
    root.appendChild(style);

    var launcher = document.createElement("button");
    launcher.type = "button";
    launcher.className = "launcher";
    launcher.setAttribute("dir", lang === "ar" ? "rtl" : "ltr");
    launcher.setAttribute("lang", lang);
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "ghimar-chat-panel");
    launcher.textContent = words.launcher;
    root.appendChild(launcher);

    var panel = document.createElement("div");
    panel.id = "ghimar-chat-panel";
    panel.className = "panel";
    panel.setAttribute("dir", lang === "ar" ? "rtl" : "ltr");
    panel.hidden = true;
    var closer = document.createElement("button");
    closer.type = "button";
    closer.className = "close";
    closer.setAttribute("aria-label", words.close);
    closer.setAttribute("title", words.close);
    closer.textContent = "\u00d7";
    panel.appendChild(closer);
    root.appendChild(panel);
    var frame = null;

    function open() {
      if (!frame) {
        frame = document.createElement("iframe");
        frame.title = words.title;
        frame.src = origin + "/chat/?embed=1&lang=" + lang;
        panel.appendChild(frame);
      }
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      frame.focus();
      if (frame.contentWindow) frame.contentWindow.postMessage({type: "ghimar-chat:focus"}, origin);
    }

    function close() {
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.focus();
    }

    launcher.addEventListener("click", function () { if (panel.hidden) open(); else close(); });
    closer.addEventListener("click", close);
    window.addEventListener("message", function (event) {
      if (event.origin === origin && event.data && event.data.type === "ghimar-chat:close") close();
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !panel.hidden) close();
    });
    (document.body || document.documentElement).appendChild(host);
  }

  fetch(origin + "/chat/widget/check", {credentials: "omit", cache: "no-store"})
    .then(function (response) { return response.ok ? response.json() : {}; })
    .then(function (answer) {
      if (answer.allowed === true) {
        build();
      } else {
        console.warn("Ghimar chat: " + location.origin + " is not in the bot's " +
                     "web.allowed_origins, so the chat widget is not shown on this site.");
      }
    }, function () {
      console.warn("Ghimar chat: " + origin + "/chat/widget/check could not be reached " +
                   "(network or this page's Content-Security-Policy connect-src); " +
                   "the chat widget is not shown.");
    });
})();
