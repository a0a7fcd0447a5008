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
    // A text refused (400) or previews too fast (429): the reason in place.
    const refused = response && [400, 429].includes(response.status);
    if (!response || response.redirected || (!response.ok && !refused)) {
      form.requestSubmit(button);
      return;
    }
    content.innerHTML = await response.text();
    section.hidden = false;
  });
}

// The account menu on a narrow screen: its button shows and hides the
// links, says so (aria-expanded), and Escape closes it. Without script
// the links are listed under the bar (scratchpad.css).
for (const toggle of document.querySelectorAll("[data-menu-toggle]")) {
  const menu = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!menu) {
    continue;
  }
  const setOpen = (open) => {
    menu.classList.toggle("show", open);
    toggle.setAttribute("aria-expanded", String(open));
  };
  toggle.addEventListener("click", () => {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
}

// Writing a comment: the box grows with the text, counts what is left near
// the limit, posts with Ctrl+Enter (Cmd+Enter on a Mac), shows that it is
// posting and cannot post twice, and asks before a page with unsent text
// is left. The server checks everything again.
for (const form of document.querySelectorAll("form.comment-form")) {
  const textarea = form.querySelector("textarea");
  const post = form.querySelector("button[data-post]");
  if (!textarea || !post) {
    continue;
  }
  let submitting = false;

  // Grows with the text, up to most of the screen (then it scrolls).
  // Browsers that size fields to their content do it in CSS alone.
  if (!CSS.supports("field-sizing", "content")) {
    const grow = () => {
      textarea.style.height = "auto";
      textarea.style.height = `${textarea.scrollHeight + 2}px`;
    };
    textarea.addEventListener("input", grow);
    grow();
  }

  // Characters left, counted as the server counts them: code points, and a
  // line break sent as two (CR LF).
  const counter = form.querySelector("[data-char-count]");
  const announcer = form.querySelector("[data-char-count-announce]");
  if (counter) {
    const limit = Number(counter.dataset.charCount);
    // Shown from this many characters left.
    const near = Math.min(500, Math.round(limit / 5));
    let announceTimer;
    const count = () => {
      const length = [...textarea.value.replace(/\r?\n/g, "\r\n")].length;
      const left = limit - length;
      let text = "";
      if (left < 0) {
        text = `${-left} character${left === -1 ? "" : "s"} too many`;
      } else if (left <= near) {
        text = `${left} character${left === 1 ? "" : "s"} left`;
      }
      counter.textContent = text;
      counter.hidden = !text;
      counter.classList.toggle("text-danger-emphasis", left < 0);
      // A screen reader hears it once typing pauses, not at every key.
      clearTimeout(announceTimer);
      announceTimer = setTimeout(() => {
        if (announcer && announcer.textContent !== text) {
          announcer.textContent = text;
        }
      }, 1000);
    };
    textarea.addEventListener("input", count);
    count();
  }

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit(post);
    }
  });

  form.addEventListener("submit", (event) => {
    if (submitting) {
      event.preventDefault();
      return;
    }
    submitting = true;
    // The Preview button posts the form when its own request failed: the
    // page comes back with the text, so nothing to show here.
    if (event.submitter && event.submitter !== post) {
      return;
    }
    // After the form's data is read: a disabled button sends nothing.
    setTimeout(() => {
      post.disabled = true;
      post.dataset.label = post.textContent;
      post.setAttribute("aria-busy", "true");
      post.innerHTML = '<span class="spinner-border spinner-border-sm" aria-hidden="true"></span> ';
      post.append(post.dataset.label.trim().replace(/^(Post|Save).*/, (_, verb) =>
        verb === "Post" ? "Posting…" : "Saving…"));
    });
  });

  // Back to this page from the next (the browser's page cache): ready to
  // post again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && submitting) {
      submitting = false;
      if (post.disabled) {
        post.disabled = false;
        post.removeAttribute("aria-busy");
        post.textContent = post.dataset.label;
      }
    }
  });

  // Leaving with unsent text asks first; posting it does not.
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && textarea.value !== textarea.defaultValue) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
}
