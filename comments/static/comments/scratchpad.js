// The site's progressive enhancements; every page works without them.
"use strict";

// Times: the server writes each <time> in UTC, in the tutorial's format
// ("Friday, 13 October 2017 at 16:36"). Show it in the reader's own zone,
// in the same format and English names, and name the zone in the title.
(function () {
  const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday"];
  const months = ["January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December"];
  const twoDigits = (n) => String(n).padStart(2, "0");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "Local time";

  for (const element of document.querySelectorAll("time[datetime]")) {
    const when = new Date(element.dateTime);
    if (Number.isNaN(when.getTime())) {
      continue;
    }
    element.textContent = `${days[when.getDay()]}, ${twoDigits(when.getDate())} ` +
      `${months[when.getMonth()]} ${when.getFullYear()} at ` +
      `${twoDigits(when.getHours())}:${twoDigits(when.getMinutes())}`;
    element.title = zone;
  }
})();

// Messages: their close buttons need Bootstrap's script, so they stay
// hidden until a script runs.
for (const button of document.querySelectorAll("[data-bs-dismiss=alert][hidden]")) {
  button.hidden = false;
}

// Preview: the forms' Preview button shows the comment in place, the text
// kept in the box. Without this, the same button posts the form and the
// server answers with the page and the preview.
for (const form of document.querySelectorAll("form[data-preview-url]")) {
  const button = form.querySelector("button[name=preview]");
  const section = document.getElementById("comment-preview");
  const content = section && section.querySelector("[data-preview-content]");
  if (!button || !content) {
    continue;
  }
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    let response;
    try {
      response = await fetch(form.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
    } catch {
      response = null;
    }
    // Logged out, or the server away: the preview the form posts itself.
    if (!response || response.redirected || (!response.ok && response.status !== 400)) {
      form.requestSubmit(button);
      return;
    }
    content.innerHTML = await response.text();
    section.hidden = false;
  });
}
