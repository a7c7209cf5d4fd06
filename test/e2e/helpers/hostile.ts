// Hostile strings for the XSS tests: markup that would run script or create elements if the app ever rendered
// server or user text as HTML, attribute and element breakers, javascript: URLs, template syntax, Unicode tricks and
// a very long string. Each markup payload marks what it would inject with data-xss (or calls alert), so a test can
// look for the marks: none may exist, no dialog may open, and the string must show as the text it is.

export const HOSTILE = {
  script: `<script>alert("xss-script")</script>`,
  img: `<img src=x data-xss=img onerror="alert('xss-img')">`,
  svg: `<svg data-xss=svg onload="alert('xss-svg')"><circle r=1 /></svg>`,
  jsUrl: `javascript:alert('xss-js-url')`,
  attribute: `"><img src=x data-xss=attr onerror=alert('xss-attr')>`,
  singleQuote: `'><b data-xss=quote>bold</b><'`,
  breakout: `--></style></script><script>alert('xss-breakout')</script>`,
  textarea: `</textarea><img src=x data-xss=textarea onerror=alert('xss-ta')>`,
  template: `{{constructor.constructor('alert("xss-tpl")')()}} \${alert('xss-tpl')}`,
  link: `<a href="javascript:alert('xss-link')" data-xss=link>link</a>`,
  iframe: `<iframe data-xss=iframe srcdoc="<script>parent.alert('xss-frame')</script>"></iframe>`,
  details: `<details open data-xss=details ontoggle=alert('xss-details')>`,
  entities: `&lt;b data-xss=entity&gt;entity&lt;/b&gt; &amp;amp; &#60;i&#62;`,
  cdata: `]]><!-- <b data-xss=comment>x</b> --><![CDATA[`,
  unicode: `\u202Egnp.exe\u202C Ｓｃｒｉｐｔ zero\u200Bwidth ℌ𝔢𝔩𝔩𝔬 é́ 🧪`,
} as const;

export type HostileKey = keyof typeof HOSTILE;

/** A 20,000-character string (a layout and performance hazard, not markup). */
export const HOSTILE_LONG = `${"W".repeat(19_990)}-long-end`;

/** Elements or attributes a payload would have created. */
export const INJECTED_SELECTOR = "[data-xss], img[src='x'], iframe[srcdoc], a[href^='javascript:' i], details[ontoggle], [onerror], [onload]";
