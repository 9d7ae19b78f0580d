/*
 * Search on the casebook's search page (/search/?q=…).
 *
 * With the search service reachable (GET api/search), its results are shown, with facets and
 * highlighted passages. Without it, the static index under search-index/ is used: the query is
 * cut into the same character pairs as the cases were, synonyms of known terms are added, and
 * only the shard files of those pairs are fetched.
 */
(function () {
  "use strict";

  var CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var RUN = new RegExp("[" + CJK + "]+|[0-9a-z\u00b5\u00c0-\u024f\u0370-\u03ff]+", "g");
  var SEPARATORS = /[\s"'`()\[\]{}<>:;,.!?|\/\\+*=~^&%$#@，。、；：！？（）【】《》“”‘’]+/;
  var MAX_QUERY = 100;
  var PAGE_SIZE = 10;
  var FACETS = ["method", "industry", "direction", "city", "year", "status"];
  // The page's language is the site's: Chinese at the root, English under /en/.
  var MESSAGES = {
    zh: {
      method: "方法与技术", industry: "行业", direction: "遴选方向", city: "市州", year: "年份", status: "状态",
      inNotice: "公示中", yearOf: "{year} 年", count: "{value}（{count}）", failed: "检索失败",
      pages: "结果分页", previous: "上一页", next: "下一页", searching: "正在检索……",
      found: "“{q}”：共 {total} 条", page: "，第 {page} / {pages} 页",
      none: "没有找到与“{q}”相关的案例。可以换用更短的词，或按方法、行业浏览。",
      unavailable: "检索暂时不可用，请稍后再试。"
    },
    en: {
      method: "Method", industry: "Industry", direction: "Selection direction", city: "City", year: "Year",
      status: "Status", inNotice: "In public notice", yearOf: "{year}", count: "{value} ({count})",
      failed: "Search failed", pages: "Result pages", previous: "Previous", next: "Next",
      searching: "Searching…", found: "“{q}”: {total} cases", page: ", page {page} of {pages}",
      none: "No case found for “{q}”. Try a shorter word, or browse by method or industry. " +
            "Untranslated cases are found by their Chinese words.",
      unavailable: "Search is not available at the moment; please try again later."
    }
  };
  var messages = MESSAGES[/^en\b/.test(document.documentElement.lang) ? "en" : "zh"];

  function t(key, values) {
    return messages[key].replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  var rootMeta = document.querySelector('meta[name="casebook-root"]');
  var root = new URL((rootMeta ? rootMeta.content : ".") + "/", location.href);

  function normalise(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  function pairs(text) {
    var tokens = [];
    (normalise(text).match(RUN) || []).forEach(function (run) {
      if (run.length > 1 && run.charCodeAt(0) >= 0x3400) {
        for (var i = 0; i < run.length - 1; i++) tokens.push(run.slice(i, i + 2));
      } else {
        tokens.push(run);
      }
    });
    return tokens;
  }

  function tokenHash(token) {
    var value = 2166136261;
    for (var character of token) {
      value = Math.imul(value ^ character.codePointAt(0), 16777619) >>> 0;
    }
    return value;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // ---- the static index ----------------------------------------------------------------

  var cache = {};
  function fetchJson(path) {
    if (!cache[path]) {
      cache[path] = fetch(new URL(path, root)).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      }).catch(function (error) {
        delete cache[path];  // a failed request is tried again by the next search, not remembered
        throw error;
      });
    }
    return cache[path];
  }

  function knownTerms(meta) {
    if (!meta.termPattern) {
      meta.groupOf = {};
      meta.synonyms.forEach(function (group) {
        group.forEach(function (term) { meta.groupOf[term] = group; });
      });
      var terms = Object.keys(meta.groupOf).sort(function (a, b) { return b.length - a.length; });
      meta.termPattern = new RegExp(terms.map(function (term) {
        var pattern = escapeRegExp(term);
        if (/^[0-9a-z]/.test(term)) pattern = "(?<![0-9a-z])" + pattern;
        if (/[0-9a-z]$/.test(term)) pattern += "(?![0-9a-z])";
        return pattern;
      }).join("|"), "g");
    }
    return meta;
  }

  // Units that must all be found: a known term with all its synonyms, or a run of typed text.
  function planQuery(text, meta) {
    var units = [];
    var rest = [];
    var last = 0;
    knownTerms(meta);
    text.replace(meta.termPattern, function (match, offset) {
      rest.push(text.slice(last, offset));
      units.push({ alternatives: meta.groupOf[match].map(pairs), soft: false });
      last = offset + match.length;
      return match;
    });
    rest.push(text.slice(last));
    rest.join(" ").split(SEPARATORS).forEach(function (chunk) {
      var tokens = pairs(chunk);
      if (tokens.length) units.push({ alternatives: [tokens], soft: true });
    });
    return units;
  }

  function decode(encoded) {
    var postings = new Map();
    var doc = 0;
    for (var i = 0; i < encoded.length; i += 2) {
      doc += encoded[i];
      postings.set(doc, encoded[i + 1]);
    }
    return postings;
  }

  function staticSearch(query, page) {
    return fetchJson("search-index/meta.json").then(function (meta) {
      var units = planQuery(normalise(query).slice(0, MAX_QUERY), meta);
      if (!units.length) return { query: query, total: 0, hits: [], page: page };
      var tokens = new Set();
      units.forEach(function (unit) {
        unit.alternatives.forEach(function (alternative) { alternative.forEach(function (t) { tokens.add(t); }); });
      });
      var shards = new Set(Array.from(tokens, function (t) { return tokenHash(t) % meta.shards; }));
      return Promise.all(Array.from(shards, function (n) { return fetchJson("search-index/shards/" + n + ".json"); }))
        .then(function (loaded) {
          var postings = new Map();
          loaded.forEach(function (shard) {
            tokens.forEach(function (t) { if (shard[t]) postings.set(t, decode(shard[t])); });
          });
          return rank(units, postings, meta.documents, query, page);
        });
    });
  }

  function unitScores(unit, postings, documents) {
    var best = new Map();
    unit.alternatives.forEach(function (tokens) {
      // Typed text may span a word boundary that never occurs in the cases: allow a missing pair.
      var needed = unit.soft && tokens.length > 3 ? Math.ceil(tokens.length * 0.75) : tokens.length;
      var matched = new Map();
      var scores = new Map();
      tokens.forEach(function (token) {
        var list = postings.get(token);
        if (!list) return;
        var idf = Math.log(1 + (documents - list.size + 0.5) / (list.size + 0.5));
        list.forEach(function (weight, doc) {
          matched.set(doc, (matched.get(doc) || 0) + 1);
          scores.set(doc, (scores.get(doc) || 0) + idf * weight / (weight + 2));
        });
      });
      matched.forEach(function (count, doc) {
        if (count < needed) return;
        var score = scores.get(doc) * Math.pow(count / tokens.length, 2);
        if (score > (best.get(doc) || 0)) best.set(doc, score);
      });
    });
    return best;
  }

  function rank(units, postings, documents, query, page) {
    var total = null;
    units.forEach(function (unit) {
      var scores = unitScores(unit, postings, documents);
      if (total === null) {
        total = scores;
        return;
      }
      var both = new Map();
      total.forEach(function (score, doc) { if (scores.has(doc)) both.set(doc, score + scores.get(doc)); });
      total = both;
    });
    var ranked = Array.from(total.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    var shown = ranked.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    return fetchJson("search-index/meta.json").then(function (meta) {
      var files = new Set(shown.map(function (entry) { return Math.floor(entry[0] / meta.docs_per_file); }));
      return Promise.all(Array.from(files, function (n) { return fetchJson("search-index/docs/" + n + ".json"); }))
        .then(function () {
          return Promise.all(shown.map(function (entry) {
            var file = Math.floor(entry[0] / meta.docs_per_file);
            return fetchJson("search-index/docs/" + file + ".json").then(function (rows) {
              var row = rows[entry[0] % meta.docs_per_file];
              return { id: row[0], title: row[1], url: row[2], enterprise: row[3], city: row[4], year: row[5],
                       status: row[6], score: Math.round(entry[1] * 1000) / 1000, snippets: [] };
            });
          }));
        })
        .then(function (hits) {
          return { query: query, total: ranked.length, hits: hits, page: page,
                   pages: Math.ceil(ranked.length / PAGE_SIZE), facets: null };
        });
    });
  }

  // ---- the search service ----------------------------------------------------------------

  var service = null;
  function serviceSearch(params) {
    return fetch(new URL("api/search?" + params.toString(), root)).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) throw Object.assign(new Error(body.error ? body.error.message : t("failed", {})), { shown: true });
        return body;
      });
    });
  }

  function search(params) {
    var page = parseInt(params.get("page") || "1", 10) || 1;
    return fetchJson("search-index/service.json").then(function (answer) {
      service = answer.service === true;
      return service ? serviceSearch(params) : staticSearch(params.get("q"), page);
    });
  }

  // ---- the page ----------------------------------------------------------------------------

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function snippetNode(snippet) {
    var node = element("p", { "class": "cb-hit__snippet" });
    var at = 0;
    snippet.highlights.forEach(function (range) {
      node.appendChild(document.createTextNode(snippet.text.slice(at, range[0])));
      node.appendChild(element("mark", {}, [snippet.text.slice(range[0], range[1])]));
      at = range[1];
    });
    node.appendChild(document.createTextNode(snippet.text.slice(at)));
    return node;
  }

  function hitNode(hit) {
    var details = [hit.enterprise, hit.city, hit.year ? t("yearOf", { year: hit.year }) : ""].filter(Boolean).join(" · ");
    var title = element("a", { href: new URL(hit.url, root).href }, [hit.title]);
    var children = [element("h2", { "class": "cb-hit__title" }, [title])];
    if (hit.status === "公示中") children.push(element("span", { "class": "cb-badge cb-badge--pending" }, [t("inNotice", {})]));
    if (details) children.push(element("p", { "class": "cb-hit__details" }, [details]));
    (hit.snippets || []).forEach(function (snippet) { children.push(snippetNode(snippet)); });
    return element("li", { "class": "cb-hit" }, children);
  }

  function facetNode(name, values, params) {
    var list = element("ul", {});
    values.slice(0, 12).forEach(function (facet) {
      var next = new URLSearchParams(params);
      var active = params.get(name) === facet.value;
      if (active) next.delete(name); else next.set(name, facet.value);
      next.delete("page");
      var label = t("count", facet) + (active ? " ✕" : "");
      var link = element("a", { href: "?" + next.toString(), "aria-current": active ? "true" : "false" }, [label]);
      list.appendChild(element("li", {}, [link]));
    });
    return element("section", { "class": "cb-facet" }, [element("h2", {}, [t(name, {})]), list]);
  }

  function pagerNode(result, params) {
    var nav = element("nav", { "class": "cb-pager", "aria-label": t("pages", {}) });
    [[t("previous", {}), result.page - 1], [t("next", {}), result.page + 1]].forEach(function (item) {
      if (item[1] < 1 || item[1] > result.pages) return;
      var next = new URLSearchParams(params);
      next.set("page", String(item[1]));
      nav.appendChild(element("a", { href: "?" + next.toString() }, [item[0]]));
    });
    return nav;
  }

  function show(result, params, status, results, facets) {
    results.textContent = "";
    facets.textContent = "";
    var values = { q: params.get("q"), total: result.total, page: result.page, pages: result.pages };
    status.textContent = result.total
      ? t("found", values) + (result.pages > 1 ? t("page", values) : "")
      : t("none", values);
    var list = element("ol", { "class": "cb-hits", start: String((result.page - 1) * PAGE_SIZE + 1) });
    result.hits.forEach(function (hit) { list.appendChild(hitNode(hit)); });
    results.appendChild(list);
    if (result.pages > 1) results.appendChild(pagerNode(result, params));
    if (result.facets) {
      FACETS.forEach(function (name) {
        if (result.facets[name] && result.facets[name].length) facets.appendChild(facetNode(name, result.facets[name], params));
      });
    }
  }

  function start() {
    var results = document.getElementById("cb-results");
    if (!results) return;
    var params = new URLSearchParams(location.search);
    var input = document.getElementById("cb-q");
    var status = document.getElementById("cb-status");
    var facets = document.getElementById("cb-facets");
    var query = (params.get("q") || "").trim();
    if (!query) return;
    input.value = query;
    status.textContent = t("searching", {});
    search(params).then(function (result) {
      show(result, params, status, results, facets);
      document.documentElement.setAttribute("data-cb-search", service ? "service" : "static");
    }, function (error) {
      status.textContent = error.shown ? error.message : t("unavailable", {});
    });
  }

  window.casebookSearch = { search: staticSearch, plan: planQuery, pairs: pairs, hash: tokenHash };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
