// The upload form, with script (pages/upload.py; served as /static/upload.js). Without it the form
// is posted as it is. With it: a file over the limit (the form's data-limit, in bytes) is refused
// here, before anything is sent; otherwise the form goes by XMLHttpRequest, its progress shown, and
// then the browser follows the service's answer (the dashboard), or shows the refusal it said.
// No inline script and no eval: the Content-Security-Policy allows this file only.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
    return;
  }
  var input = document.getElementById("upload-files");
  var status = document.getElementById("upload-status");
  var progress = document.getElementById("upload-progress");
  var percent = document.getElementById("upload-percent");
  var message = document.getElementById("upload-message");
  var button = form.querySelector("button[type=submit]");
  var limit = Number(form.getAttribute("data-limit"));
  var most = Number(form.getAttribute("data-max-files"));

  function say(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  function show(value) {
    progress.value = value;
    percent.textContent = value + "%";
  }

  function refusal(text) {
    // The service's page of refusal: its heading and what it says.
    var page = new DOMParser().parseFromString(text, "text/html");
    var parts = [page.querySelector("main h1"), page.querySelector("main p")].filter(Boolean);
    return parts.map(function (part) { return part.textContent.trim(); }).join(": ");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    say("");
    var files = Array.prototype.slice.call(input.files);
    var over = files.filter(function (file) { return file.size > limit; });
    if (over.length) {
      say(over.map(function (file) {
        return form.getAttribute("data-too-large").replace("{file}", function () { return file.name; });
      }).join(" "));
      return;
    }
    if (files.length > most) {
      say(form.getAttribute("data-too-many"));
      return;
    }
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (progressed) {
      if (progressed.lengthComputable && progressed.total > 0) {
        show(Math.floor(progressed.loaded * 100 / progressed.total));
      }
    });
    request.addEventListener("load", function () {
      if (request.status < 400) {
        show(100);
        say(form.getAttribute("data-done"));
        window.location.assign(request.responseURL);
        return;
      }
      say(refusal(request.responseText) || form.getAttribute("data-failed"));
      status.hidden = true;
      button.disabled = false;
    });
    request.addEventListener("error", function () {
      say(form.getAttribute("data-failed"));
      status.hidden = true;
      button.disabled = false;
    });
    button.disabled = true;
    status.hidden = false;
    show(0);
    request.send(new FormData(form));
  });
})();
