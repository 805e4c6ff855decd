// kgbuild serve --watch only (web/livereload.py): reload this page when another build is served, and show
// the problems of a build that failed in a banner until a build passes. No request leaves this server.
(function () {
  "use strict";
  var script = document.currentScript;
  var pageBuild = script.dataset.build;
  var BANNER_ID = "kgbuild-watch-problems";

  function showProblems(problems) {
    var banner = document.getElementById(BANNER_ID);
    if (!problems.length) {
      if (banner) banner.remove();
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.id = BANNER_ID;
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:sticky;top:0;z-index:1000;margin:0;padding:0.6em 1em;" +
        "background:#fff3f0;color:#7a1400;border-bottom:2px solid #c62800;font-size:0.9em";
      document.body.prepend(banner);
    }
    var heading = document.createElement("strong");
    heading.textContent = "The last build failed; this page shows the build before it. Fix:";
    var list = document.createElement("pre");
    list.style.cssText = "margin:0.4em 0 0;white-space:pre-wrap";
    list.textContent = problems.join("\n");  // text, never markup: the problems quote the YAML
    banner.replaceChildren(heading, list);
  }

  var events = new EventSource(script.dataset.events);
  events.addEventListener("build", function (event) {
    var state = JSON.parse(event.data);
    if (state.build && state.build !== pageBuild) {
      events.close();
      window.location.reload();
      return;
    }
    showProblems(state.problems || []);
  });
})();
