/* 知库默认主题：静态检索。没有检索服务器（纯静态托管）时，在浏览器内查询 zhiku build
 * 写出的 /search/ 静态索引包，格式与语义见 docs/static-search.md，移植自 src/search/
 * （query.rs 参数与语法、analyzer.rs 规范化与切分、content/docnum.rs 文号、engine.rs 打分与分面、
 * snippet.rs 摘要与高亮）。
 *
 * 只暴露 window.ZhikuStaticSearch.search(params)：params 与 GET /api/search 相同，
 * 返回的 Promise 兑现为与 /api/search 完全相同结构的 JSON；参数错误时以带 .param 的
 * Error 拒绝（.type 为 "param"），数据无法加载时 .type 为 "network" 或 "server"。
 * 每个文件最多请求一次（失败的除外）；不使用 console，不抛出未处理的异常。 */
(function () {
  "use strict";

  /* 与构建共用的表（种类、效力状态、查询上限、打分权重、文号括号）都来自构建生成的
   * zhiku-tables.js（window.ZhikuTables），这里不抄任何一份。 */
  var TABLES = window.ZhikuTables || {};
  var LIMITS = TABLES.query || {};
  var ROOT = TABLES.search_root || "/search/";
  var MAX_QUERY_CHARS = LIMITS.max_chars, MAX_PAGE_SIZE = LIMITS.max_page_size,
    DEFAULT_PAGE_SIZE = LIMITS.default_page_size, MAX_OFFSET = LIMITS.max_offset;
  var SNIPPET_CHARS = LIMITS.snippet_chars, MAX_FACET_VALUES = LIMITS.max_facet_values;
  var f32 = Math.fround;
  var K1 = f32(1.2), B = 0.75, K1_PLUS_1 = f32(1 + K1);

  function labels(list) {
    var out = {};
    (list || []).forEach(function (e) { out[e.name] = e.label; });
    return out;
  }
  var KIND_LABELS = labels(TABLES.kinds);
  var KINDS = Object.keys(KIND_LABELS);
  var STATUS_LABELS = labels(TABLES.statuses);
  var STATUSES = Object.keys(STATUS_LABELS);
  /* 分面：服务器 facets 中的键（issuer 只用于筛选）。推迟的分面（标签、地区）的列表随站点增长，
   * 不在 filters.json 里，而在 filters/<键>.json：结果显示之后才取回并计数。 */
  var FACETS = (TABLES.facets || []).map(function (f) { return f.key; });
  var DEFERRED = (TABLES.facets || []).filter(function (f) { return f.deferred; }).map(function (f) { return f.key; });
  /* [筛选参数, 列表的键（filters.json、filters/<键>.json 或 issuers.json）]；这些筛选在服务器上是打分的 TermQuery。 */
  var FILTERS = (TABLES.filters || []).filter(function (f) { return f.bundle_key; })
    .map(function (f) { return [f.param, f.bundle_key]; });
  /* [分片中的键, meta.json 中的字段名, 权重]：gram 字段为 g_<键>，整词字段为 w_<键>。 */
  function fieldTable(list, prefix) {
    return (list || []).map(function (f) { return [f.key, prefix + f.key, f.boost]; });
  }
  var SORTS = TABLES.sorts || [];
  var RANKING = TABLES.ranking || {};
  var GRAM_FIELDS = fieldTable(RANKING.grams, "g_");
  var WORD_FIELDS = fieldTable(RANKING.words, "w_");
  var DOC_NUMBER_BOOST = RANKING.doc_number;
  var SYNONYM_WEIGHT = RANKING.synonym;
  var ASSIST = TABLES.assist || {};
  var SUGGEST_BELOW = ASSIST.suggest_below, MAX_COMPLETIONS = ASSIST.max_completions;
  var COMPLETION_KINDS = (ASSIST.kinds || []).map(function (k) { return k.name; });
  var OPEN = (TABLES.docnum || {}).open || "", CLOSE = (TABLES.docnum || {}).close || "";

  function has(o, k) { return o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, k); }

  function failure(message, type, param) {
    var err = new Error(message);
    err.type = type;
    err.param = param || null;
    return err;
  }

  /* ---------- 字符类别（与 Rust 的 char 方法一致） ---------- */

  function unicodeClass(body, fallback) {
    try { return new RegExp("^[" + body + "]$", "u"); } catch (e) { return fallback; }
  }
  var ALPHA = unicodeClass("\\p{Alphabetic}", /^[A-Za-z\u00AA\u00B5\u00BA\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02C1\u0370-\u03FF\u0400-\u052F\u3005-\u3007\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7A3\uF900-\uFAFF]$/);
  var NUMERIC = unicodeClass("\\p{Nd}\\p{Nl}\\p{No}", /^[0-9\u00B2\u00B3\u00B9\u00BC-\u00BE\u2070-\u2079\u2080-\u2089\u2150-\u2189\u2460-\u249B\u24EA-\u24FF\u3007\u3021-\u3029]$/);

  function isWhitespace(c) { return c === "\u0085" || (c !== "\uFEFF" && /^\s$/.test(c)); }
  function isAlphanumeric(c) { return ALPHA.test(c) || NUMERIC.test(c); }
  function isDigit(c) { return c >= "0" && c <= "9" && c.length === 1; }
  function isGramChar(c) {
    var cp = c.codePointAt(0);
    return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff) || cp === 0x3007;
  }
  function isWordChar(c) { return isAlphanumeric(c) && !isGramChar(c); }
  function chars(s) { return Array.from(s); }
  function trim(s) {
    var a = chars(s), i = 0, j = a.length;
    while (i < j && isWhitespace(a[i])) i++;
    while (j > i && isWhitespace(a[j - 1])) j--;
    return a.slice(i, j).join("");
  }
  function utf8Length(c) {
    var cp = c.codePointAt(0);
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }
  /* 按码位比较（与 Rust 的字符串排序一致）。 */
  function compareStrings(a, b) {
    var x = chars(a), y = chars(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
    }
    return x.length - y.length;
  }

  /* ---------- 取数据：每个文件只请求一次 ---------- */

  var files = {};
  function load(path) {
    if (!files[path]) {
      var p = fetch(ROOT + path, { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) throw failure("检索数据加载失败（" + res.status + "），请稍后再试。", "server");
        return res.json().catch(function () { throw failure("检索数据无法识别，请稍后再试。", "server"); });
      }, function () {
        throw failure("无法加载检索数据，请检查网络连接后重试。", "network");
      });
      files[path] = p;
      p.catch(function () { if (files[path] === p) delete files[path]; });
    }
    return files[path];
  }

  /* ---------- 解码：base64 + LEB128 ---------- */

  function varints(b64) {
    var s = atob(b64 || ""), out = [], v = 0, scale = 1;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      v += (c & 127) * scale;
      if (c & 128) { scale *= 128; } else { out.push(v); v = 0; scale = 1; }
    }
    return out;
  }
  var decodedIds = new Map(), decodedPostings = new Map(); // base64 -> 解码结果（只读）
  var TF_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  function idList(b64) {
    var d = decodedIds.get(b64);
    if (d) return d;
    if (b64 && b64.charAt(0) === "*") { // 位图：第 id/8 字节的第 id%8 位
      var bits = atob(b64.slice(1));
      d = [];
      for (var at = 0; at < bits.length; at++) {
        var byte = bits.charCodeAt(at);
        for (var bit = 0; bit < 8; bit++) if (byte & (1 << bit)) d.push(at * 8 + bit);
      }
      decodedIds.set(b64, d);
      return d;
    }
    d = varints(b64);
    for (var i = 1; i < d.length; i++) d[i] += d[i - 1];
    decodedIds.set(b64, d);
    return d;
  }
  /* 倒排表是 (文档差值, 词频) 对（或稠密的位图 + 词频）；字段长度 id 每篇一个字节，在 norms.bin 里。 */
  function postings(b64, key, fieldNorms) {
    var cacheKey = key + ":" + b64;
    var p = decodedPostings.get(cacheKey);
    if (p) return p;
    var ids = [], tfs = [], norms = [], id = 0;
    var bytes = fieldNorms[key] || NO_NORMS;
    if (b64.charAt(0) === "*") {
      /* 稠密：*位图(base64)*每篇一个词频字符（0-9A-Za-z 表示 0-61，更大的写成 (n)） */
      var cut = b64.indexOf("*", 1), bits = atob(b64.slice(1, cut)), tf = b64.slice(cut + 1), t = 0;
      for (var byteAt = 0; byteAt < bits.length; byteAt++) {
        var byte = bits.charCodeAt(byteAt);
        for (var bit = 0; byte && bit < 8; bit++) {
          if (!(byte & (1 << bit))) continue;
          byte &= ~(1 << bit);
          id = byteAt * 8 + bit;
          var value;
          if (tf.charAt(t) === "(") {
            var close = tf.indexOf(")", t);
            value = parseInt(tf.slice(t + 1, close), 10);
            t = close + 1;
          } else {
            value = TF_DIGITS.indexOf(tf.charAt(t));
            t++;
          }
          ids.push(id); tfs.push(value); norms.push(id < bytes.length ? bytes[id] : 0);
        }
      }
    } else {
      var d = varints(b64), n = Math.floor(d.length / 2);
      for (var i = 0; i < n; i++) {
        id += d[2 * i];
        ids.push(id); tfs.push(d[2 * i + 1]); norms.push(id < bytes.length ? bytes[id] : 0);
      }
    }
    p = { ids: ids, tfs: tfs, norms: norms };
    decodedPostings.set(cacheKey, p);
    return p;
  }

  var metaCache = null;
  function meta() {
    if (!metaCache) {
      metaCache = load("meta.json").then(function (m) {
        if (!m || typeof m.docs !== "number" || !m.shards || !Array.isArray(m.norms)) {
          throw failure("检索数据无法识别，请重新生成站点。", "server");
        }
        var days = varints(m.dates);
        for (var i = 1; i < days.length; i++) days[i] = days[i - 1] - days[i];
        return { docs: m.docs, shards: m.shards, fields: m.fields || {}, norms: m.norms, days: days, tf: {},
          normFields: Array.isArray(m.norm_fields) ? m.norm_fields : [],
          phrasePositions: Number(m.phrase_positions) || 0,
          // 最长短语的位置（q 分片）：有它，更长的词才逐篇核对
          hasPositions: Number(m.shards.q) > 0,
          synonyms: Array.isArray(m.synonyms) ? m.synonyms : [] };
      });
      metaCache.catch(function () { metaCache = null; });
    }
    return metaCache;
  }

  /* norms.bin：meta.norm_fields 中每个字段 docs 个字节，第 i 个是文档 i 在该字段的 fieldnorm id。
   * 二进制而非 base64：同样的字节，压缩后小约四分之一。 */
  var normsCache = null;
  function fieldNorms() {
    if (!normsCache) {
      normsCache = fetch(ROOT + "norms.bin", { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) throw failure("检索数据加载失败（" + res.status + "），请稍后再试。", "server");
        return res.arrayBuffer();
      }, function () {
        throw failure("无法加载检索数据，请检查网络连接后重试。", "network");
      }).then(function (buffer) { return new Uint8Array(buffer); });
      normsCache.catch(function () { normsCache = null; });
    }
    return normsCache;
  }
  function splitNorms(m, bytes) {
    var out = {};
    (m.normFields || []).forEach(function (k, i) { out[k] = bytes.subarray(i * m.docs, (i + 1) * m.docs); });
    return out;
  }
  var NO_NORMS = new Uint8Array(0);

  /* 推迟的分面列表：取回后存在这里，之后的检索直接计数。 */
  var deferredLists = {};
  function deferredList(key) {
    return load("filters/" + key + ".json").then(function (list) {
      deferredLists[key] = list && typeof list === "object" ? list : {};
      return deferredLists[key];
    });
  }

  /* 繁简对照按码位分成 T2S_SHARDS 个文件；每对同时在繁体字和简体字的文件里，
   * 所以只取查询中各字所在的文件：既能把繁体查询转成简体，也能在繁体正文里标出简体查询。 */
  var T2S_SHARDS = 32;
  var t2sMap = new Map(); // 已加载的对照，供规范化使用
  function t2s(query) {
    var wanted = [];
    chars(query.normalize("NFKC")).forEach(function (c) {
      if (!isGramChar(c)) return;
      var path = "t2s/" + (c.codePointAt(0) % T2S_SHARDS) + ".json";
      if (wanted.indexOf(path) < 0) wanted.push(path);
    });
    return Promise.all(wanted.map(function (path) {
      return load(path).then(function (j) {
        var a = chars(j && typeof j.map === "string" ? j.map : "");
        for (var i = 0; i + 1 < a.length; i += 2) t2sMap.set(a[i], a[i + 1]);
      });
    }));
  }

  /* FNV-1a 32 位，按 UTF-8 字节。 */
  function fnv1a32(s) {
    var h = 0x811c9dc5;
    function byte(b) { h = Math.imul(h ^ b, 0x01000193); }
    chars(s).forEach(function (c) {
      var cp = c.codePointAt(0);
      if (cp < 0x80) { byte(cp); return; }
      if (cp < 0x800) { byte(0xc0 | cp >> 6); } else {
        if (cp < 0x10000) { byte(0xe0 | cp >> 12); } else { byte(0xf0 | cp >> 18); byte(0x80 | cp >> 12 & 63); }
        byte(0x80 | cp >> 6 & 63);
      }
      byte(0x80 | cp & 63);
    });
    return h >>> 0;
  }
  function shardPath(m, ns, term) {
    var count = Number(m.shards[ns]) || 1;
    return ns + "/" + (fnv1a32(term) % count) + ".json";
  }

  /* ---------- 规范化（analyzer.rs normalize） ---------- */

  /* text: 规范化后的文字；starts[i]: 第 i 个字在 text 中的位置（另加末尾 text.length）；
   * spans[i]: 第 i 个字来自原文的 [起, 止)（UTF-16 位置）。 */
  function normalize(original) {
    var text = "", starts = [], spans = [];
    function push(c, from, to) {
      starts.push(text.length);
      text += t2sMap.has(c) ? t2sMap.get(c) : c;
      spans.push([from, to]);
    }
    for (var i = 0; i < original.length;) {
      var cp = original.codePointAt(i), end = i + (cp > 0xffff ? 2 : 1), c = original.slice(i, end);
      if (cp < 0x80) {
        push(c.toLowerCase(), i, end);
      } else if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf)) {
        push(c, i, end); // 统一汉字：NFKC、小写都不变
      } else {
        chars(c.normalize("NFKC")).forEach(function (n) {
          chars(n.toLowerCase()).forEach(function (l) { push(l, i, end); });
        });
      }
      i = end;
    }
    starts.push(text.length);
    return { text: text, starts: starts, spans: spans };
  }
  function partition(a, x) { // a 中小于 x 的元素个数（a 升序）
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function originalRange(norm, from, to) {
    var first = partition(norm.starts, from), last = partition(norm.starts, to);
    if (first >= norm.spans.length || last === 0) return [0, 0];
    return [norm.spans[first][0], norm.spans[last - 1][1]];
  }

  /* 查询词的 gram（analyzer.rs query_grams）：单个汉字 -> u，汉字串 -> 相邻二元组，
   * 字母数字串 -> 整串；其余字符只起分隔作用。 */
  function queryGrams(normText) {
    var a = chars(normText), out = [], i = 0, j;
    while (i < a.length) {
      if (isGramChar(a[i])) {
        for (j = i; j < a.length && isGramChar(a[j]); j++);
        if (j - i === 1) out.push({ ns: "u", text: a[i] });
        for (var k = i; k + 1 < j; k++) out.push({ ns: "g", text: a[k] + a[k + 1] });
        i = j;
      } else if (isWordChar(a[i])) {
        for (j = i; j < a.length && isWordChar(a[j]); j++);
        out.push({ ns: "g", text: a.slice(i, j).join("") });
        i = j;
      } else {
        i++;
      }
    }
    return out;
  }

  /* 建索引时的 gram（analyzer.rs gram_ranges）：每个汉字一个位置，取它开头的二元组，在串尾取单字；
   * 字母数字串一个位置。短语（phrases.rs）由相邻位置上的这些 gram 组成。 */
  function indexTokens(normText) {
    var a = chars(normText), out = [], i = 0, j;
    while (i < a.length) {
      if (isGramChar(a[i])) {
        out.push(i + 1 < a.length && isGramChar(a[i + 1]) ? a[i] + a[i + 1] : a[i]);
        i++;
      } else if (isWordChar(a[i])) {
        for (j = i; j < a.length && isWordChar(a[j]); j++);
        out.push(a.slice(i, j).join(""));
        i = j;
      } else {
        i++;
      }
    }
    return out;
  }
  function isBigram(t) { var c = chars(t); return c.length === 2 && isGramChar(c[0]) && isGramChar(c[1]); }
  /* 串内相邻的二元组共用一个字，只写一次；不相连的 gram 之间写一个空格（phrases.rs push_token）。 */
  function overlaps(prev, tok) {
    var c = chars(tok)[0];
    return isBigram(prev) && chars(prev)[1] === c && isGramChar(c);
  }
  function pushToken(key, prev, tok) {
    if (prev === null) return tok;
    return overlaps(prev, tok) ? key + chars(tok).slice(1).join("") : key + " " + tok;
  }
  function lone(t) { var c = chars(t); return c.length === 1 && isGramChar(c[0]); }
  /* 多个 gram 的词：所跨位置不超过 size 时查整个短语（与服务器的短语查询同文档、同频次）；
   * 更长的词由它包含的每个 size 位置的短语覆盖，各短语在词中的位置是 at（q 分片的位置据此核对）。
   * 串尾的单字不属于查询（查询以二元组结尾）。
   * 标点两侧的汉字不组成短语（phrases.rs crosses_punctuation）：这样的词按标点分成几段，各段
   * 查自己的短语；有一段只有一个 gram 时整个词退回到各 gram 同现。
   * 返回 [{key, at, width, cover}]：cover 的几个短语覆盖整个词。 */
  function phraseKeys(normText, size) {
    var toks = indexTokens(normText);
    if (toks.length < 2 || !(size >= 2)) return [];
    var parts = [{ at: 0, toks: [toks[0]] }];
    for (var i = 1; i < toks.length; i++) {
      if (lone(toks[i - 1]) && isGramChar(chars(toks[i])[0])) parts.push({ at: i, toks: [] });
      parts[parts.length - 1].toks.push(toks[i]);
    }
    parts.forEach(function (p) {
      var n = p.toks.length;
      if (n >= 2 && lone(p.toks[n - 1]) && overlaps(p.toks[n - 2], p.toks[n - 1])) p.toks.pop();
    });
    if (parts.some(function (p) { return p.toks.length < 2; })) return [];
    var perPart = parts.map(function (p) { return segmentKeys(p.toks, size); });
    // 跨标点的词不核对位置：服务器还要求标点前的单字单独成词（文中此处有标点），位置里看不出
    var covered = perPart.length === 1 && perPart[0].covered;
    return [].concat.apply([], perPart.map(function (keys, n) {
      return keys.map(function (k) {
        return { key: k.key, at: parts[n].at + k.at, width: k.width, cover: covered && k.cover === true };
      });
    }));
  }
  function segmentKeys(toks, size) {
    var width = Math.min(size, toks.length), keys = [];
    for (var s = 0; s + width <= toks.length; s++) {
      var last = toks[s + width - 1];
      // 以串尾单字结束的短语不入索引，下一个短语已覆盖它
      if (s + width < toks.length && lone(last) && overlaps(toks[s + width - 2], last)) continue;
      var key = null;
      for (var k = s; k < s + width; k++) key = pushToken(key, k > s ? toks[k - 1] : null, toks[k]);
      keys.push({ key: key, at: s, width: width });
    }
    // 核对位置只需覆盖全部位置的最少几个短语（每次取能接上的最远一个）：常见短语的位置很大
    for (var next = 0, i = 0; next < toks.length && keys.length;) {
      var best = null;
      for (; i < keys.length && keys[i].at <= next; i++) best = keys[i];
      if (!best) return keys;
      best.cover = true;
      next = best.at + best.width;
    }
    keys.covered = next >= toks.length;
    return keys;
  }

  /* 词中的各段：汉字串、字母数字串（jieba 不会跨标点或跨文字类别成词）。 */
  function wordRuns(normText) {
    var a = chars(normText), out = [], i = 0, j;
    while (i < a.length) {
      var kind = isGramChar(a[i]) ? isGramChar : isWordChar(a[i]) ? isWordChar : null;
      if (!kind) { i++; continue; }
      for (j = i; j < a.length && kind(a[j]); j++);
      out.push(a.slice(i, j).join(""));
      i = j;
    }
    return out;
  }

  /* ---------- 查询语法与参数（query.rs） ---------- */

  function parseQuery(q) {
    var a = chars(q), include = [], exclude = [], i = 0;
    var QUOTES = { "\"": "\"", "＂": "\"", "“": "”", "「": "」", "『": "』" };
    while (i < a.length) {
      if (isWhitespace(a[i])) { i++; continue; }
      var negate = (a[i] === "-" || a[i] === "－") && i + 1 < a.length && !isWhitespace(a[i + 1]);
      if (negate) i++;
      var text, close = QUOTES[a[i]], start;
      if (close) {
        start = i + 1;
        var end = start;
        while (end < a.length && a[end] !== close && !(close === "”" && a[end] === "\"")) end++;
        text = a.slice(start, end).join("");
        i = end + 1;
      } else {
        start = i;
        while (i < a.length && !isWhitespace(a[i])) i++;
        text = a.slice(start, i).join("");
      }
      text = trim(text);
      if (text) (negate ? exclude : include).push(text);
    }
    return { include: include, exclude: exclude };
  }

  /* 日期 -> 1970-01-01 起的天数；end 为真时取该年/月的最后一天。 */
  function partialDate(s, end) {
    var parts = s.split("-"), n = [];
    var lens = [4, 2, 2];
    if (parts.length > 3) return null;
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].length !== lens[i] || !/^[0-9]+$/.test(parts[i])) return null;
      n.push(Number(parts[i]));
    }
    var y = n[0], m = parts.length > 1 ? n[1] : (end ? 12 : 1), d = parts.length > 2 ? n[2] : 1;
    if (m < 1 || m > 12) return null;
    var dt = new Date(0);
    dt.setUTCFullYear(y, m - 1, d);
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
    if (end && parts.length < 3) dt.setUTCFullYear(y, m, 0); // 该月最后一天
    return Math.round(dt.getTime() / 86400000);
  }

  /* Rust 的 usize 解析：可带 "+"，不可超出 u64。 */
  function parseCount(s) {
    var m = /^\+?0*([0-9]+)$/.exec(s);
    if (!m || m[1].length > 20 || (m[1].length === 20 && m[1] > "18446744073709551615")) return null;
    return Number(m[1]);
  }

  function validate(p) {
    function raw(k) { return p[k] === undefined || p[k] === null ? null : String(p[k]); }
    function nonempty(k) { var v = raw(k); v = v === null ? "" : trim(v); return v || null; }
    var q = trim(raw("q") || "");
    if (chars(q).length > MAX_QUERY_CHARS) throw failure("查询词不能超过 " + MAX_QUERY_CHARS + " 个字符", "param", "q");
    var kind = nonempty("kind");
    if (kind !== null && KINDS.indexOf(kind) < 0) {
      throw failure("未知的文档类型“" + kind + "”，可选 " + KINDS.join("、"), "param", "kind");
    }
    var status = nonempty("status");
    if (status !== null) {
      var name = STATUSES.filter(function (s) { return s === status || STATUS_LABELS[s] === status; })[0];
      if (!name) throw failure("未知的效力状态“" + status + "”，可选 " + STATUSES.join("、"), "param", "status");
      status = name;
    }
    var from = nonempty("from"), to = nonempty("to"), fromDay = null, toDay = null;
    if (from !== null && (fromDay = partialDate(from, false)) === null) {
      throw failure("起始日期“" + from + "”格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD", "param", "from");
    }
    if (to !== null && (toDay = partialDate(to, true)) === null) {
      throw failure("截止日期“" + to + "”格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD", "param", "to");
    }
    if (fromDay !== null && toDay !== null && fromDay > toDay) throw failure("起始日期晚于截止日期", "param", "from");
    var sort = nonempty("sort");
    if (sort !== null && SORTS.indexOf(sort) < 0) {
      throw failure("未知的排序方式“" + sort + "”，可选 " + SORTS.join(" 或 "), "param", "sort");
    }
    var page = 1, size = DEFAULT_PAGE_SIZE, v;
    if ((v = nonempty("page")) !== null) {
      page = parseCount(v);
      if (!page) throw failure("页码“" + v + "”应为正整数", "param", "page");
    }
    if ((v = nonempty("size")) !== null) {
      size = parseCount(v);
      if (!size) throw failure("每页条数“" + v + "”应为正整数", "param", "size");
      if (size > MAX_PAGE_SIZE) throw failure("参数 size 不能超过 " + MAX_PAGE_SIZE, "param", "size");
    }
    if ((page - 1) * size >= MAX_OFFSET) throw failure("最多只能查看前 " + MAX_OFFSET + " 条结果", "param", "page");
    return {
      q: q, kind: kind, tag: nonempty("tag"), region: nonempty("region"), issuer: nonempty("issuer"),
      status: status, fromDay: fromDay, toDay: toDay, sort: sort || "relevance", page: page, size: size
    };
  }

  /* ---------- 文号（docnum.rs） ---------- */

  function docNumber(text) {
    var a = chars(trim(text).normalize("NFKC")).filter(function (c) { return !isWhitespace(c); });
    var i = 0;
    while (i < a.length && !isDigit(a[i]) && OPEN.indexOf(a[i]) < 0) i++;
    if (i === 0 || i === a.length) return null;
    var agency = a.slice(0, i);
    if (!agency.every(function (c) { return ALPHA.test(c); })) return null;
    var bracketed = OPEN.indexOf(a[i]) >= 0;
    if (bracketed) i++;
    var y = i;
    while (i < a.length && isDigit(a[i])) i++;
    if (i - y !== 4) return null;
    var year = Number(a.slice(y, i).join(""));
    if (bracketed ? CLOSE.indexOf(a[i]) < 0 : a[i] !== "年") return null;
    i++;
    if (a[i] === "第") i++;
    var n = i;
    while (i < a.length && isDigit(a[i])) i++;
    var number = Number(a.slice(n, i).join(""));
    if (i === n || number > 4294967295 || number === 0 || a.slice(i).join("") !== "号") return null;
    return agency.join("") + "〔" + year + "〕" + number + "号";
  }

  /* ---------- BM25，与 tantivy 相同的 f32 运算 ---------- */

  function idf(df, n) {
    return f32(Math.log(f32(1 + f32(f32(f32(n - df) + 0.5) / f32(df + 0.5)))));
  }
  /* tantivy Bm25Weight：weight = idf·(1+K1)·boost；按 fieldnorm id 缓存 K1·(1-B+B·len/avg)。 */
  function bm25(m, idfValue, boost, avg) {
    var key = String(avg);
    var cache = m.tf[key];
    if (!cache) {
      cache = m.tf[key] = m.norms.map(function (len) {
        return f32(K1 * f32((1 - B) + f32(f32(B * f32(len)) / avg)));
      });
    }
    var weight = f32(f32(idfValue * K1_PLUS_1) * f32(boost));
    return function (tf, normId) {
      return f32(weight * f32(tf / f32(tf + (cache[normId] || 0))));
    };
  }
  function fieldAvg(m, key) {
    var fd = m.fields[key];
    return f32(fd && typeof fd.avg === "number" ? fd.avg : 1);
  }
  function normId(m, len) { // tantivy fieldnorm_to_id
    var i = partition(m.norms, len + 1) - 1;
    return i < 0 ? 0 : i;
  }
  function add(map, doc, score) {
    var old = map.get(doc);
    map.set(doc, old === undefined ? score : f32(old + score));
  }

  /* 几个倒排表共有的文档：each(文档, 最小词频, 字段长度 id)。 */
  function intersect(lists, each) {
    var first = lists[0], pos = lists.map(function () { return 0; });
    for (var i = 0; i < first.ids.length; i++) {
      var doc = first.ids[i], tf = first.tfs[i], ok = true;
      for (var k = 1; k < lists.length && ok; k++) {
        var l = lists[k], p = pos[k];
        while (p < l.ids.length && l.ids[p] < doc) p++;
        pos[k] = p;
        if (p < l.ids.length && l.ids[p] === doc) tf = Math.min(tf, l.tfs[p]); else ok = false;
      }
      if (ok) each(doc, tf, first.norms[i]);
    }
  }
  /* 单独成文件的倒排表在分片里写作 "@路径#文档数"。 */
  function externalPath(v) { var cut = v.indexOf("#"); return cut < 0 ? v.slice(1) : v.slice(1, cut); }
  function docFreq(v, key, m) {
    if (v.charAt(0) === "@") return parseInt(v.slice(v.indexOf("#") + 1), 10) || 0;
    return postings(v, key, m.fieldNorms).ids.length;
  }

  /* 短语的位置（q 分片，bundle.rs encode_positions）：每篇 (文档差值, 次数, 各位置差值)。 */
  function positionList(b64, key, fieldNorms) {
    var cacheKey = "q:" + key + ":" + b64;
    var p = decodedPostings.get(cacheKey);
    if (p) return p;
    var d = varints(b64), bytes = fieldNorms[key] || NO_NORMS, id = 0, i = 0;
    p = { ids: [], tfs: [], norms: [], positions: [] };
    while (i + 1 < d.length) {
      id += d[i];
      var n = d[i + 1], at = [], position = 0;
      i += 2;
      for (var k = 0; k < n && i < d.length; k++, i++) { position += d[i]; at.push(position); }
      p.ids.push(id); p.tfs.push(n); p.norms.push(id < bytes.length ? bytes[id] : 0); p.positions.push(at);
    }
    decodedPostings.set(cacheKey, p);
    return p;
  }
  /* 长词：各短语都出现、且彼此的位置差与词中相同之处的个数就是词频（服务器的短语频次）。 */
  function verifiedPhrase(lists, at, each) {
    var first = lists[0], pos = lists.map(function () { return 0; });
    for (var i = 0; i < first.ids.length; i++) {
      var doc = first.ids[i], rows = [first.positions[i]], ok = true;
      for (var k = 1; k < lists.length && ok; k++) {
        var l = lists[k], p = pos[k];
        while (p < l.ids.length && l.ids[p] < doc) p++;
        pos[k] = p;
        if (p < l.ids.length && l.ids[p] === doc) rows.push(l.positions[p]); else ok = false;
      }
      if (!ok) continue;
      var tf = rows[0].filter(function (start) {
        for (var k = 1; k < rows.length; k++) {
          if (rows[k].indexOf(start + at[k] - at[0]) < 0) return false;
        }
        return true;
      }).length;
      if (tf > 0) each(doc, tf, first.norms[i]);
    }
  }

  /* 一个词在标题、正文、元数据中找到的文档，按字段打分后相加（find_query）。一个 gram 的词查
   * 它的倒排表；多个 gram 的词查短语（文档与短语频次都与服务器的短语查询相同），idf 是各 gram
   * 的 idf 之和。更长的词（phraseAt 给出各短语在词中的位置）按 q 分片的位置核对。 */
  function findScores(m, entries, phrases, phraseAt) {
    var out = new Map();
    GRAM_FIELDS.forEach(function (field) {
      var idfSum = 0, lists = [];
      for (var g = 0; g < entries.length; g++) {
        var v = entries[g] && entries[g][field[0]];
        if (typeof v !== "string") return;
        idfSum = f32(idfSum + idf(docFreq(v, field[1], m), m.docs));
        if (!phrases.length) lists.push(postings(v, field[1], m.fieldNorms));
      }
      for (var w = 0; w < phrases.length; w++) {
        var pv = phrases[w] && phrases[w][field[0]];
        if (typeof pv !== "string") return;
        lists.push(phraseAt ? positionList(pv, field[1], m.fieldNorms) : postings(pv, field[1], m.fieldNorms));
      }
      var score = bm25(m, idfSum, field[2], fieldAvg(m, field[1]));
      var each = function (doc, tf, norm) { add(out, doc, score(tf, norm)); };
      if (phraseAt) verifiedPhrase(lists, phraseAt, each); else intersect(lists, each);
    });
    return out;
  }

  /* 整词（w 分片）在标题、小标题中的得分（正文的词不入索引），只加给已找到的文档（term_query）。
   * 服务器用 jieba 切分查询词，每个字段要求全部词都出现；这里以词中的每一段（汉字串、
   * 字母数字串，标点处断开）为一个词。 */
  function wordScores(m, entries, found) {
    var out = new Map();
    WORD_FIELDS.forEach(function (field) {
      var lists = [];
      for (var i = 0; i < entries.length; i++) {
        if (entries[i] && typeof entries[i][field[0]] === "string") lists.push(postings(entries[i][field[0]], field[1], m.fieldNorms));
        else return;
      }
      var perDoc = new Map(), n = new Map();
      lists.forEach(function (l) {
        var score = bm25(m, idf(l.ids.length, m.docs), field[2], fieldAvg(m, field[1]));
        for (var i = 0; i < l.ids.length; i++) {
          var doc = l.ids[i];
          if (!found.has(doc)) continue;
          add(perDoc, doc, score(l.tfs[i], l.norms[i]));
          n.set(doc, (n.get(doc) || 0) + 1);
        }
      });
      perDoc.forEach(function (s, doc) { if (n.get(doc) === lists.length) add(out, doc, s); });
    });
    return out;
  }

  /* 文号字段（raw，每篇至多一个）：权重 DOC_NUMBER_BOOST 的 BM25，tf = 1，字段长度 1。 */
  function docNumberScores(m, docnums, canonical) {
    var out = new Map();
    if (!canonical || !docnums || typeof docnums[canonical] !== "string") return out;
    var ids = idList(docnums[canonical]), total = 0;
    Object.keys(docnums).forEach(function (k) { total += idList(docnums[k]).length; });
    var avg = m.fields.d && typeof m.fields.d.avg === "number" ? f32(m.fields.d.avg) : f32(f32(total) / f32(m.docs));
    var score = bm25(m, idf(ids.length, m.docs), DOC_NUMBER_BOOST, avg)(1, normId(m, 1));
    ids.forEach(function (id) { out.set(id, score); });
    return out;
  }

  /* 精确筛选在服务器上是 Must 的 TermQuery（tf = 1），同样计入得分。 */
  function filterScores(m, values, value) {
    var ids = idList(values[value]), perDoc = new Map(), total = 0;
    Object.keys(values).forEach(function (k) {
      idList(values[k]).forEach(function (id) { perDoc.set(id, (perDoc.get(id) || 0) + 1); total++; });
    });
    var score = bm25(m, idf(ids.length, m.docs), 1, f32(f32(total) / f32(m.docs)));
    var out = new Map();
    ids.forEach(function (id) { out.set(id, score(1, normId(m, perDoc.get(id)))); });
    return out;
  }

  /* ---------- 摘要与高亮（snippet.rs） ---------- */

  function highlightTerms(terms) {
    var out = [];
    terms.forEach(function (t) {
      var run = "";
      chars(normalize(t).text).concat([" "]).forEach(function (c) {
        if (c !== " " && (isAlphanumeric(c) || isGramChar(c))) { run += c; return; }
        if (run && out.indexOf(run) < 0) out.push(run);
        run = "";
      });
    });
    function bytes(s) { return chars(s).reduce(function (n, c) { return n + utf8Length(c); }, 0); }
    return out.map(function (s, i) { return [s, bytes(s), i]; })
      .sort(function (a, b) { return b[1] - a[1] || a[2] - b[2]; })
      .map(function (x) { return x[0]; });
  }

  function matches(norm, terms) {
    var ranges = [];
    terms.forEach(function (t) {
      for (var from = 0, i; (i = norm.text.indexOf(t, from)) >= 0; from = i + t.length) ranges.push([i, i + t.length]);
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  function render(text, norm, found, from, to) {
    var out = "", pos = from;
    found.forEach(function (r) {
      var o = originalRange(norm, r[0], r[1]);
      if (o[1] <= pos || o[0] >= to) return;
      var os = Math.max(o[0], pos), oe = Math.min(o[1], to);
      out += escapeHtml(text.slice(pos, os)) + "<mark>" + escapeHtml(text.slice(os, oe)) + "</mark>";
      pos = oe;
    });
    return out + escapeHtml(text.slice(pos, to));
  }

  function highlight(text, terms) {
    var norm = normalize(text);
    return render(text, norm, matches(norm, terms), 0, text.length);
  }

  /* 截断不落在数字或英文单词中间（“30多个”不截成“…0多个”）；匹配所在的句子若从引导部分开始，
   * 就从句首开始（snippet.rs）。 */
  var MAX_CUT_SHIFT = 20;
  function joined(x, y) { return /^[0-9A-Za-z]$/.test(x) && /^[0-9A-Za-z]$/.test(y); }
  function endsSentence(c) { return c === "。" || c === "!" || c === "?" || c === ";" || c === "\n"; }
  function readableStart(a, start, firstMatch) {
    if (start === 0) return 0;
    if (firstMatch !== null) {
      for (var i = firstMatch - 1; i >= start; i--) if (endsSentence(a[i])) return i + 1;
    }
    var s = start;
    while (s > 0 && start - s < MAX_CUT_SHIFT && joined(a[s - 1], a[s])) s--;
    return s;
  }
  function readableEnd(a, end) {
    var e = end;
    while (e < a.length && e - end < MAX_CUT_SHIFT && joined(a[e - 1], a[e])) e++;
    return e;
  }

  function snippet(text, terms, maxChars) {
    text = trim(text);
    var norm = normalize(text), found = matches(norm, terms), total = norm.spans.length;
    var at = found.map(function (r) { return [partition(norm.starts, r[0]), partition(norm.starts, r[1])]; });
    var bestStart = 0, bestCount = 0;
    at.forEach(function (r) {
      var start = Math.max(0, r[0] - Math.floor(maxChars / 5)), end = start + maxChars;
      var count = at.filter(function (x) { return x[0] >= start && x[1] <= end; }).length;
      if (count > bestCount) { bestCount = count; bestStart = start; }
    });
    bestStart = total <= maxChars ? 0 : Math.min(bestStart, total - maxChars);
    if (total === 0) return "";
    var a = chars(norm.text);
    var firstMatch = at.map(function (r) { return r[0]; }).filter(function (c) { return c >= bestStart; })[0];
    bestStart = readableStart(a, bestStart, firstMatch === undefined ? null : firstMatch);
    var endChar = readableEnd(a, Math.min(bestStart + maxChars, total));
    var out = (bestStart > 0 ? "…" : "") +
      render(text, norm, found, norm.spans[bestStart][0], norm.spans[endChar - 1][1]) +
      (endChar < total ? "…" : "");
    var collapsed = "";
    chars(out).forEach(function (c) {
      if (!isWhitespace(c)) collapsed += c;
      else if (collapsed && !/[ …]$/.test(collapsed)) collapsed += " ";
    });
    return collapsed.replace(/ +$/, "");
  }

  /* ---------- 检索辅助（assist.rs）：拼音与首字母、纠错、同义词、补全 ---------- */

  /* 只含字母（可带声调符号、声调数字、隔音符号）的词：去掉声调后的小写字母，ü 写作 v。 */
  var TONED = { "ā": "a", "á": "a", "ǎ": "a", "à": "a", "ē": "e", "é": "e", "ě": "e", "è": "e",
    "ī": "i", "í": "i", "ǐ": "i", "ì": "i", "ō": "o", "ó": "o", "ǒ": "o", "ò": "o",
    "ū": "u", "ú": "u", "ǔ": "u", "ù": "u", "ü": "v", "ǖ": "v", "ǘ": "v", "ǚ": "v", "ǜ": "v" };
  var MAX_PINYIN_LETTERS = 64;
  function latinLetters(term) {
    var out = "", a = chars(term.normalize("NFKC").toLowerCase());
    for (var i = 0; i < a.length; i++) {
      var c = a[i];
      if (c >= "a" && c <= "z" && c.length === 1) out += c;
      else if (has(TONED, c)) out += TONED[c];
      else if ((c >= "1" && c <= "5" && c.length === 1) || c === "'" || c === "’") continue;
      else return null;
    }
    return out.length >= 2 && out.length <= MAX_PINYIN_LETTERS ? out : null;
  }

  function levenshtein(a, b) {
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1)));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  function push(map, key, value) {
    if (!map.has(key)) map.set(key, []);
    map.get(key).push(value);
  }

  /* assist.json（拼音、词表）加上 meta.json 的同义词组：与 Rust 的 Assist 逐一对应。 */
  function Assist(data, synonyms) {
    var self = this;
    this.syllables = new Map();
    Object.keys(data.pinyin || {}).forEach(function (s) {
      chars(data.pinyin[s]).forEach(function (c) { self.syllables.set(c, s); });
    });
    this.terms = Array.isArray(data.terms) ? data.terms : [];
    this.byFull = new Map();
    this.byInitials = new Map();
    this.termKeys = this.terms.map(function (t, i) {
      var key = self.keyOf(t[0]);
      if (key) { push(self.byFull, key.full, i); push(self.byInitials, key.initials, i); }
      return key;
    });
    this.synonymGroups = Array.isArray(synonyms) ? synonyms : [];
    this.groupsOf = new Map();
    this.synonymGroups.forEach(function (group, g) {
      group.forEach(function (member) {
        var list = self.groupsOf.get(member) || [];
        if (list.indexOf(g) < 0) list.push(g);
        self.groupsOf.set(member, list);
      });
    });
  }
  Assist.prototype.keyOf = function (norm) {
    var full = "", initials = "", a = chars(norm);
    for (var i = 0; i < a.length; i++) {
      var c = a[i];
      if (isGramChar(c)) {
        var s = this.syllables.get(c);
        if (s === undefined) return null;
        full += s;
        initials += s.charAt(0);
      } else if (c.length === 1 && /[0-9A-Za-z]/.test(c)) {
        full += c.toLowerCase();
        initials += c.toLowerCase();
      }
    }
    return full ? { full: full, initials: initials } : null;
  };
  Assist.prototype.term = function (i) { return this.terms[i][0]; };
  Assist.prototype.reading = function (term) {
    var letters = latinLetters(term);
    if (letters === null) return null;
    if (this.byFull.has(letters)) return this.term(this.byFull.get(letters)[0]);
    var words = this.split(letters, this.byFull, null);
    if (words !== null) return words;
    if (this.byInitials.has(letters)) return this.term(this.byInitials.get(letters)[0]);
    return this.split(letters, this.byInitials, null);
  };
  Assist.prototype.split = function (letters, keys, count) {
    var n = letters.length, best = [[0, 0, []]];
    for (var end = 1; end <= n; end++) {
      best.push(null);
      for (var start = 0; start < end; start++) {
        var from = best[start];
        if (!from) continue;
        var found = keys.get(letters.slice(start, end));
        if (!found) continue;
        var id = found[0];
        var candidate = [from[0] + 1, from[1] + this.terms[id][1], from[2].concat([id])];
        var cur = best[end];
        if (!cur || candidate[0] < cur[0] || (candidate[0] === cur[0] && candidate[1] > cur[1])) best[end] = candidate;
      }
    }
    var last = best[n];
    if (!last) return null;
    var self = this;
    var text = last[2].map(function (i) { return self.term(i); }).join("");
    var fits = count === null || chars(text).length === count;
    return last[0] >= 2 && fits ? text : null;
  };
  Assist.prototype.correction = function (term) {
    var norm = normalize(term).text, a = chars(norm), self = this;
    if (a.length >= 2 && a.every(isGramChar)) {
      var key = this.keyOf(norm);
      if (!key) return null;
      var same = (this.byFull.get(key.full) || []).map(function (i) { return self.term(i); })
        .filter(function (t) { return t !== norm && chars(t).length === a.length; })[0];
      if (same !== undefined) return same;
      var cut = this.split(key.full, this.byFull, a.length);
      return cut !== null && cut !== norm ? cut : null;
    }
    var letters = latinLetters(term);
    if (letters === null || this.reading(term) !== null) return null;
    var limit = letters.length <= 6 ? 1 : 2, closest = null;
    this.termKeys.forEach(function (key, i) {
      if (!key || Math.abs(key.full.length - letters.length) > limit) return;
      var d = levenshtein(letters, key.full);
      if (d <= limit && (closest === null || d < closest[0])) closest = [d, i];
    });
    return closest === null ? null : this.term(closest[1]);
  };
  Assist.prototype.synonyms = function (term) {
    var norm = normalize(term).text, out = [], self = this;
    (this.groupsOf.get(norm) || []).forEach(function (g) {
      self.synonymGroups[g].forEach(function (m) { if (m !== norm && out.indexOf(m) < 0) out.push(m); });
    });
    return out;
  };
  /* 同义词只要 meta.json；拼音、纠错与补全另取 assist.json（需要时才取）。 */
  var synonymsOnly = null, assistCache = null;
  function synonymTable(m) {
    if (!synonymsOnly) synonymsOnly = new Assist({}, m.synonyms);
    return synonymsOnly;
  }
  function assistTable(m) {
    if (!assistCache) {
      assistCache = load("assist.json").then(function (data) { return new Assist(data || {}, m.synonyms); });
      assistCache.catch(function () { assistCache = null; });
    }
    return assistCache;
  }

  /* 查询写回文字：含空白的词加引号，排除的词前加 -。 */
  function queryText(include, exclude) {
    function quoted(t) { return chars(t).some(isWhitespace) ? "\"" + t + "\"" : t; }
    return include.map(quoted).concat(exclude.map(function (t) { return "-" + quoted(t); })).join(" ");
  }

  /* ---------- 检索（engine.rs） ---------- */

  function facetValues(name, counts) {
    var items = counts.map(function (c) {
      var label = c[0];
      if (name === "kind" && has(KIND_LABELS, c[0])) label = KIND_LABELS[c[0]];
      if (name === "status" && has(STATUS_LABELS, c[0])) label = STATUS_LABELS[c[0]];
      return { value: c[0], label: label, count: c[1] };
    });
    if (name === "kind" || name === "status") {
      var order = name === "kind" ? KINDS : STATUSES;
      items.sort(function (a, b) { return order.indexOf(a.value) - order.indexOf(b.value); });
    } else if (name === "year") {
      items.sort(function (a, b) { return compareStrings(b.value, a.value); });
    } else {
      items.sort(function (a, b) { return b.count - a.count || compareStrings(a.value, b.value); });
      items = items.slice(0, MAX_FACET_VALUES);
    }
    return items;
  }

  async function run(params, suggest) {
    var started = typeof performance !== "undefined" ? performance.now() : Date.now();
    var req = validate(params && typeof params === "object" ? params : {});
    var parsed = parseQuery(req.q);
    var han = chars(req.q.normalize("NFKC")).some(isGramChar);
    var first = await Promise.all([meta(), load("filters.json"), han ? t2s(req.q) : null, fieldNorms()]);
    var m = first[0], filters = first[1] || {};
    // 字母写的词按拼音读：要 assist.json；同义词只要 meta.json
    var latin = parsed.include.some(function (t) { return latinLetters(t) !== null; });
    var table = latin ? await assistTable(m) : synonymTable(m);
    var readings = parsed.include.map(function (t) { return table.reading(t); });
    var alternatives = parsed.include.map(function (t, i) {
      var out = [[t, 1]], reading = readings[i];
      if (reading !== null) out.push([reading, 1]);
      table.synonyms(t).concat(reading !== null ? table.synonyms(reading) : []).forEach(function (s) {
        if (!out.some(function (o) { return o[0] === s; })) out.push([s, SYNONYM_WEIGHT]);
      });
      return out;
    });
    m.fieldNorms = m.fieldNorms || splitNorms(m, first[3]);
    // Issuers are filtered by, never counted: their lists load only when used.
    if (req.issuer !== null) filters = Object.assign({ issuer: (await load("issuers.json")) || {} }, filters);
    // 推迟的分面：已取回的直接用；按它筛选时现在就要
    filters = Object.assign({}, filters);
    DEFERRED.forEach(function (k) { if (has(deferredLists, k)) filters[k] = deferredLists[k]; });
    var wanted = FILTERS.filter(function (pair) {
      return req[pair[0]] !== null && DEFERRED.indexOf(pair[1]) >= 0 && !has(filters, pair[1]);
    });
    var wantedLists = await Promise.all(wanted.map(function (pair) { return deferredList(pair[1]); }));
    wanted.forEach(function (pair, i) { filters[pair[1]] = wantedLists[i]; });

    // 每个词：gram、整词、文号；所需分片一次并行取回
    function term(text) {
      var norm = normalize(text).text;
      var grams = queryGrams(norm);
      var cover = grams.length > 1 ? phraseKeys(norm, m.phrasePositions) : [];
      var verify = m.hasPositions && cover.length > 1 &&
        cover.every(function (c) { return c.width === m.phrasePositions; }) &&
        cover.some(function (c) { return c.cover; });
      // 逐篇核对时只取覆盖整个词的那几个短语的位置
      if (verify) cover = cover.filter(function (c) { return c.cover; });
      return { text: text, norm: norm, grams: grams, docnum: docNumber(text),
        phrases: cover.map(function (c) { return c.key; }),
        phraseAt: verify ? cover.map(function (c) { return c.at; }) : null };
    }
    // 每个必须出现的词连同它的读法、同义词：找到其中任一即可，得分为各自得分乘权重之和
    var include = alternatives.map(function (alts) {
      return {
        single: alts.length === 1,
        terms: alts.map(function (a) { var t = term(a[0]); t.weight = a[1]; return t; })
          .filter(function (t) { return t.grams.length > 0; })
      };
    }).filter(function (e) { return e.terms.length > 0; });
    var exclude = parsed.exclude.map(term).filter(function (t) { return t.grams.length > 0; });
    var allTerms = [].concat.apply([], include.map(function (e) { return e.terms; }));
    var paths = [];
    function need(path) { if (paths.indexOf(path) < 0) paths.push(path); return path; }
    allTerms.concat(exclude).forEach(function (t) {
      t.paths = t.grams.map(function (g) { return need(shardPath(m, g.ns, g.text)); });
      t.phrasePaths = t.phrases.map(function (p) { return need(shardPath(m, t.phraseAt ? "q" : "p", p)); });
    });
    allTerms.forEach(function (t) {
      t.words = wordRuns(t.norm);
      t.wordPaths = t.words.map(function (w) { return need(shardPath(m, "w", w)); });
    });
    var docnumPath = allTerms.some(function (t) { return t.docnum; }) ? need("docnum.json") : null;
    var loaded = await Promise.all(paths.map(load));
    function file(path) { return loaded[paths.indexOf(path)] || {}; }
    // 大的倒排表单独成文件，分片里只写 "@路径"：只取本次查询用到的那几个
    var external = [];
    function want(shard, key) {
      if (!has(shard, key)) return;
      var fields = shard[key];
      Object.keys(fields).forEach(function (f) {
        var v = fields[f];
        if (typeof v === "string" && v.charAt(0) === "@") external.push({ fields: fields, field: f, path: externalPath(v) });
      });
    }
    allTerms.concat(exclude).forEach(function (t) {
      // 短语的 gram 只要文档数（分片里就有），不取它们的大倒排表
      if (!t.phrases.length) t.grams.forEach(function (g, i) { want(file(t.paths[i]), g.text); });
      t.phrases.forEach(function (p, i) { want(file(t.phrasePaths[i]), p); });
      (t.words || []).forEach(function (w, i) { want(file(t.wordPaths[i]), w); });
    });
    var lists = await Promise.all(external.map(function (x) { return load(x.path); }));
    external.forEach(function (x, i) { x.fields[x.field] = typeof lists[i] === "string" ? lists[i] : ""; });
    function entries(t) {
      return t.grams.map(function (g, i) { var s = file(t.paths[i]); return has(s, g.text) ? s[g.text] : null; });
    }
    function phraseEntries(t) {
      return t.phrases.map(function (p, i) { var s = file(t.phrasePaths[i]); return has(s, p) ? s[p] : null; });
    }

    // 必须出现的词（及筛选）逐项求交，得分相加
    function termScores(t) {
      var found = findScores(m, entries(t), phraseEntries(t), t.phraseAt);
      var words = wordScores(m, t.words.map(function (w, i) {
        var shard = file(t.wordPaths[i]);
        return has(shard, w) ? shard[w] : null;
      }), found);
      var scores = new Map();
      found.forEach(function (s, doc) { scores.set(doc, words.has(doc) ? f32(s + words.get(doc)) : s); });
      var byNumber = docNumberScores(m, docnumPath ? file(docnumPath) : null, t.docnum);
      if (byNumber.size === 0) return scores;
      byNumber.forEach(function (s, doc) { if (scores.has(doc)) byNumber.set(doc, f32(s + scores.get(doc))); });
      scores.forEach(function (s, doc) { if (!byNumber.has(doc)) byNumber.set(doc, s); });
      return byNumber;
    }
    var clauses = include.map(function (e) {
      if (e.single) return termScores(e.terms[0]);
      var union = new Map();
      e.terms.forEach(function (t) {
        termScores(t).forEach(function (s, doc) {
          var weighted = f32(s * f32(t.weight));
          union.set(doc, union.has(doc) ? f32(union.get(doc) + weighted) : weighted);
        });
      });
      return union;
    });
    var hasText = clauses.length > 0;
    // Words were asked for but none is searchable (emoji, lone punctuation):
    // nothing matches them, as on the server, rather than everything.
    if (!hasText && parsed.include.length > 0) clauses.push(new Map());
    FILTERS.forEach(function (pair) {
      var value = req[pair[0]], values = filters[pair[1]] || {};
      clauses.push(value !== null && has(values, value) ? filterScores(m, values, value) : value !== null ? new Map() : null);
    });
    clauses = clauses.filter(Boolean);
    var excluded = new Set();
    exclude.forEach(function (t) { findScores(m, entries(t), phraseEntries(t), t.phraseAt).forEach(function (s, doc) { excluded.add(doc); }); });
    var dated = req.fromDay !== null || req.toDay !== null;

    var hits = [];
    function consider(doc, score) {
      if (excluded.has(doc)) return;
      if (dated) {
        var day = m.days[doc];
        if (day === undefined || (req.fromDay !== null && day < req.fromDay) || (req.toDay !== null && day > req.toDay)) return;
        score = f32(score + 1);
      }
      hits.push([doc, score]);
    }
    if (clauses.length === 0) {
      for (var doc = 0; doc < m.docs; doc++) consider(doc, 1);
    } else {
      var smallest = clauses.reduce(function (a, b) { return b.size < a.size ? b : a; });
      smallest.forEach(function (s, doc) {
        var score = 0;
        for (var i = 0; i < clauses.length; i++) {
          if (!clauses[i].has(doc)) return;
          score = i === 0 ? clauses[i].get(doc) : f32(score + clauses[i].get(doc));
        }
        consider(doc, score);
      });
    }

    // 分面：对全部命中计数
    var mask = new Uint8Array(m.docs);
    hits.forEach(function (h) { mask[h[0]] = 1; });
    function counted(name, values) {
      var counts = [];
      Object.keys(values || {}).forEach(function (value) {
        var n = idList(values[value]).reduce(function (c, id) { return c + (mask[id] || 0); }, 0);
        if (n > 0) counts.push([value, n]);
      });
      return facetValues(name, counts);
    }
    var facets = {}, pending = [];
    FACETS.forEach(function (name) {
      if (DEFERRED.indexOf(name) >= 0 && !has(filters, name)) pending.push(name);
      else facets[name] = counted(name, filters[name]);
    });
    // 其余分面在结果显示之后计数：调用方需要时调用 more_facets()
    var moreFacets = pending.length === 0 ? null : function () {
      return Promise.all(pending.map(deferredList)).then(function (lists) {
        var all = Object.assign({}, facets);
        pending.forEach(function (name, i) { all[name] = counted(name, lists[i]); });
        return all;
      });
    };

    var byDate = req.sort === "date" || !hasText;
    hits.sort(byDate ? function (a, b) { return a[0] - b[0]; } : function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    var offset = (req.page - 1) * req.size;
    var page = hits.slice(offset, offset + req.size);
    var docs = await Promise.all(page.map(function (h) { return load("doc/" + h[0] + ".json"); }));

    var marks = highlightTerms([].concat.apply([], alternatives.map(function (alts) {
      return alts.map(function (a) { return a[0]; });
    })));
    var expanded = readings.some(function (r) { return r !== null; }) ?
      queryText(parsed.include.map(function (t, i) { return readings[i] !== null ? readings[i] : t; }), parsed.exclude) : null;
    var also = [];
    alternatives.forEach(function (alts, i) {
      alts.forEach(function (a) {
        if (a[1] !== 1 && also.indexOf(a[0]) < 0 && a[0] !== readings[i]) also.push(a[0]);
      });
    });
    var suggestion = null;
    if (suggest !== false && hasText && hits.length < SUGGEST_BELOW) {
      var assist = await assistTable(m);
      var corrected = parsed.include.map(function (t) { var c = assist.correction(t); return c === null ? t : c; });
      if (corrected.some(function (t, i) { return t !== parsed.include[i]; })) {
        var q = queryText(corrected, parsed.exclude);
        var again = Object.assign({}, params, { q: q, page: 1 });
        var found = (await run(again, false)).total;
        if (found > hits.length) suggestion = q;
      }
    }
    return {
      query: req.q,
      total: hits.length,
      took_ms: Math.round(((typeof performance !== "undefined" ? performance.now() : Date.now()) - started) * 100) / 100,
      page: req.page,
      size: req.size,
      total_pages: Math.ceil(hits.length / req.size),
      sort: byDate ? "date" : "relevance",
      hits: page.map(function (h, i) { return hit(docs[i] || {}, byDate ? null : h[1], marks); }),
      facets: facets,
      more_facets: moreFacets,
      expanded: expanded,
      also: also,
      suggestion: suggestion
    };
  }

  function str(v) { return typeof v === "string" ? v : null; }

  function hit(d, score, marks) {
    var title = str(d.title) || "", kind = str(d.kind) || "", status = str(d.status);
    var text = snippet(str(d.text) || "", marks, SNIPPET_CHARS);
    if (text.indexOf("<mark>") < 0 && str(d.summary)) text = snippet(d.summary, marks, SNIPPET_CHARS);
    if (text.indexOf("<mark>") < 0 && Array.isArray(d.attachments)) {
      // 只在附件里找到：说明是哪个附件，摘要取自附件
      for (var i = 0; i < d.attachments.length; i++) {
        var a = d.attachments[i];
        if (!Array.isArray(a) || typeof a[0] !== "string" || typeof a[1] !== "string") continue;
        var found = snippet(a[1], marks, SNIPPET_CHARS);
        if (found.indexOf("<mark>") >= 0) { text = "附件《" + escapeHtml(a[0]) + "》中：" + found; break; }
      }
    }
    var statusName = status === null ? null : STATUSES.filter(function (s) { return s === status || STATUS_LABELS[s] === status; })[0];
    return {
      url: str(d.url) || "",
      title: title,
      title_html: highlight(title, marks),
      kind: kind,
      kind_label: has(KIND_LABELS, kind) ? KIND_LABELS[kind] : "",
      date: str(d.date),
      doc_number: str(d.doc_number),
      status: status,
      status_label: statusName ? STATUS_LABELS[statusName] : null,
      region: str(d.region),
      tags: Array.isArray(d.tags) ? d.tags.filter(function (t) { return typeof t === "string"; }) : [],
      snippet: text,
      score: score === null ? null : Math.round(f32(score * 1000)) / 1000
    };
  }

  function search(params) {
    return run(params).catch(function (err) {
      if (err && err.type) throw err;
      throw failure("检索时出现问题，请稍后再试。", "server");
    });
  }

  /* 补全：与 GET /api/suggest 相同的 {suggestions: [...]}（assist.rs complete）。候选在 complete/
   * 分片里，按规范化文字的首字与拼音的首字母各放一份（bundle.rs completion_files）：
   * 一个前缀的候选都在它首字的分片里，字母前缀的也在它首字母的分片里。 */
  async function complete(prefix) {
    var text = typeof prefix === "string" ? prefix : "";
    if (chars(text).length > (ASSIST.max_prefix_chars || 32)) return { suggestions: [] };
    var m = await meta();
    await t2s(text);
    var norm = normalize(trim(text)).text;
    if (!norm) return { suggestions: [] };
    var letters = latinLetters(trim(text)), leads = [chars(norm)[0]];
    if (letters !== null && leads.indexOf(letters.charAt(0)) < 0) leads.push(letters.charAt(0));
    var count = Number(m.shards.c) || 1, paths = [];
    leads.forEach(function (lead) {
      var path = "complete/" + (fnv1a32(lead) % count) + ".json";
      if (paths.indexOf(path) < 0) paths.push(path);
    });
    var shards = await Promise.all(paths.map(load));
    // 两个分片里的同一候选只算一次，仍按原来的次序
    function merged(key) {
      var byIndex = new Map();
      shards.forEach(function (shard) {
        ((shard || {})[key] || []).forEach(function (row) { byIndex.set(row[0], row); });
      });
      return Array.from(byIndex.values()).sort(function (a, b) { return a[0] - b[0]; });
    }
    function matches(text, full, initials) {
      return text.indexOf(norm) === 0 || (letters !== null && typeof full === "string" &&
        (full.indexOf(letters) === 0 || initials.indexOf(letters) === 0));
    }
    var out = [];
    function add(text, kind, url) {
      if (out.length < MAX_COMPLETIONS && !out.some(function (s) { return s.text === text; })) {
        out.push({ text: text, kind: kind, url: url === undefined || url === null ? null : url });
      }
    }
    var terms = merged("t"), completions = merged("c");
    COMPLETION_KINDS.forEach(function (kind) {
      if (kind === "term") {
        terms.forEach(function (t) { if (matches(t[1], t[2], t[3])) add(t[1], kind); });
        return;
      }
      completions.forEach(function (c) {
        if (c[1] === kind && matches(c[4] || c[2], c[5], c[6])) add(c[2], kind, c[3]);
      });
    });
    return { suggestions: out };
  }

  window.ZhikuStaticSearch = { search: search, complete: complete };
})();
