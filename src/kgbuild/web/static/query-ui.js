// The query UI: YASGUI on our endpoint, our examples as tabs, autocompletion from our own ontology.
// Nothing is fetched from anywhere but this server (no prefix.cc, no LOV, no CDN).
(function () {
  "use strict";
  const mount = document.getElementById("yasgui");
  if (!mount || typeof window.Yasgui === "undefined") return;

  // IRIs under the base IRI are served here: follow them to this server, not to the public host.
  function localise(baseIri) {
    document.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest("a[href]");
      if (link && link.href.startsWith(baseIri)) {
        const local = "/" + link.href.slice(baseIri.length);
        event.preventDefault();
        event.stopPropagation();
        if (event.ctrlKey || event.metaKey || event.button === 1) window.open(local, "_blank");
        else window.location.assign(local);
      }
    }, true);
  }

  function useOurCompleters(config) {
    const Yasqe = window.Yasgui.Yasqe;
    const fromServer = (url) => () => fetch(url).then((r) => r.json());
    Yasqe.forkAutocompleter("class", { name: "kg-class", bulk: true, get: fromServer(config.classes_url) }, false);
    Yasqe.forkAutocompleter("property", { name: "kg-property", bulk: true, get: fromServer(config.properties_url) }, false);
    Yasqe.defaults.autocompleters = ["variables", "prefixes", "kg-class", "kg-property"];
    Yasqe.defaults.prefixCcApi = config.prefixes_url;
  }

  fetch(mount.dataset.config).then((r) => r.json()).then(function (config) {
    useOurCompleters(config);
    localise(config.base_iri);
    const first = config.examples.length ? config.examples[0] : null;
    const yasgui = new window.Yasgui(mount, {
      requestConfig: { endpoint: config.endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
      copyEndpointOnNewTab: true,
      persistenceId: null,
      populateFromUrl: false,
      tabName: first ? first.title : "Query",
      yasqe: {
        value: first ? first.query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
        autocompleters: ["variables", "prefixes", "kg-class", "kg-property"],
        prefixCcApi: config.prefixes_url,
      },
    });
    for (const example of config.examples.slice(1)) {
      yasgui.addTab(false, {
        name: example.title,
        yasqe: { value: example.query },
        requestConfig: { endpoint: config.endpoint, method: "POST" },
      });
    }
    document.getElementById("plain-form").hidden = true;
    mount.dataset.ready = "true";
  }).catch(function (error) {
    console.warn("query UI could not start; the plain form still works", error);
  });
})();
