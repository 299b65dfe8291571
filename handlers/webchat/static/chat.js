// The website chat page: posts what the visitor sends, shows the conversation from the
// server-sent events (each with its log id: a reconnection resumes after the last one).
(function () {
  "use strict";
  var main = document.getElementById("chat");
  var lang = main.getAttribute("data-lang");
  var texts = JSON.parse(main.getAttribute("data-strings"));
  var log = document.getElementById("log");
  var status = document.getElementById("status");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var fileInput = document.getElementById("file");
  var sendButton = document.getElementById("send");
  var embedded = document.body.classList.contains("embed");
  var lastId = null;
  var source = null;
  var greeted = false;

  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function say(text, problem) {
    status.textContent = text;
    status.classList.toggle("problem", !!problem);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function render(message) {
    var item = element("div", "msg " + (message.dir === "in" ? "in" : "out"));
    item.setAttribute("data-id", message.id);
    var bubble = element("div", "bubble");
    bubble.setAttribute("dir", "auto");
    var who = element("span", "who", (message.dir === "in" ? texts.you : texts.bot) + ": ");
    who.setAttribute("dir", document.documentElement.dir);  // skipped by the bubble's dir=auto
    bubble.appendChild(who);
    bubble.appendChild(document.createTextNode(message.text || ""));
    item.appendChild(bubble);
    if (message.file) {
      var file = element("div", "file");
      file.setAttribute("dir", "auto");
      if (message.file.url) {
        var link = element("a", "", texts.download + ": " + (message.file.name || ""));
        link.href = message.file.url;
        link.setAttribute("download", message.file.name || "");
        file.appendChild(link);
      } else {
        file.textContent = "📎 " + (message.file.name || "");
      }
      bubble.appendChild(file);
    }
    if (message.choices && message.choices.length) {
      var group = element("div", "choices");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", texts.choices);
      message.choices.forEach(function (choice) {
        var button = element("button", "", choice.label);
        button.type = "button";
        button.setAttribute("dir", "auto");
        button.addEventListener("click", function () {
          post({payload: choice.id, label: choice.label});
          input.focus();  // the answer comes below; the keyboard is ready for the next one
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function connect() {
    var url = "/chat/api/events?lang=" + lang + (lastId !== null ? "&after=" + lastId : "");
    source = new EventSource(url);
    source.onopen = function () { say(texts.connected); };
    source.onmessage = function (event) {
      lastId = event.lastEventId;
      render(JSON.parse(event.data));
    };
    source.addEventListener("ready", function (event) {
      var ready = JSON.parse(event.data);
      if (ready.empty && !greeted) {
        greeted = true;
        post({payload: "nav:resume"}, "hello");  // one greeting, whichever tab asks first
      }
    });
    source.onerror = function () {
      say(texts.reconnecting, true);
      if (source.readyState === EventSource.CLOSED) {  // refused: reopen after a pause
        source = null;
        setTimeout(connect, 3000);
      }
    };
  }

  function request(options, id, tries) {
    return fetch(options.url, {
      method: "POST", credentials: "same-origin", headers: options.headers, body: options.body(id)
    }).then(function (response) {
      if (response.status === 503 && tries > 1) {
        return new Promise(function (resolve) { setTimeout(resolve, 1500); })
          .then(function () { return request(options, id, tries - 1); });
      }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || texts["err-bad-request"]);
        return data;
      });
    }, function () {
      if (tries > 1) {  // the network: the same id again, the server ignores a repeat
        return new Promise(function (resolve) { setTimeout(resolve, 1500); })
          .then(function () { return request(options, id, tries - 1); });
      }
      throw new Error(texts["send-failed"]);
    });
  }

  function post(message, fixedId) {
    message.lang = lang;
    return request({
      url: "/chat/api/messages",
      headers: {"Content-Type": "application/json"},
      body: function (id) { message.id = id; return JSON.stringify(message); }
    }, fixedId || newId(), 4).catch(function (error) { say(error.message, true); throw error; });
  }

  function upload(file) {
    say(texts.sending);
    return request({
      url: "/chat/api/files",
      headers: {},
      body: function (id) {
        var data = new FormData();
        data.append("id", id);
        data.append("lang", lang);
        data.append("file", file, file.name);
        return data;
      }
    }, newId(), 3).then(function () { say(texts.connected); },
                        function (error) { say(error.message, true); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = "";
    grow();
    sendButton.disabled = true;
    post({text: text}).catch(function () { if (!input.value) input.value = text; })
      .then(function () { sendButton.disabled = false; input.focus(); });
  });

  function grow() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 128) + "px";
  }

  input.addEventListener("input", grow);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  document.getElementById("attach").addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    if (fileInput.files.length) upload(fileInput.files[0]);
    fileInput.value = "";
  });

  document.getElementById("lang").addEventListener("click", function () {
    var other = lang === "ar" ? "en" : "ar";
    post({payload: "nav:lang:" + other}).finally(function () {
      location.replace("/chat/?lang=" + other + (embedded ? "&embed=1" : ""));
    });
  });

  function close() {
    if (embedded && window.parent !== window) {
      window.parent.postMessage({type: "ghimar-chat:close"}, "*");
    }
  }
  document.getElementById("close").addEventListener("click", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });

  window.addEventListener("message", function (event) {  // the widget was opened again
    if (event.source === window.parent && event.data && event.data.type === "ghimar-chat:focus") {
      input.focus();
    }
  });

  connect();
  input.focus();  // the page, or the widget's frame (made when the visitor opens it)
})();
