// domify (which min-dom re-exports, and bpmn-js, dmn-js and the properties panel use to build
// markup), but without style="" attributes in the parsed markup: our Content-Security-Policy
// (style-src 'self') blocks them and logs an error each time. The same declarations are applied
// through the CSSOM instead (element.style), which the policy allows. The build
// (web/static/build.mjs) makes every import of "domify" in the bundle use this module.
import parse from "domify-original";

const STYLE_ATTRIBUTE = /(\s)style=(["'])(.*?)\2/gs;
const MARK = "data-nrm-inline-style";

export default function domify(html, document) {
  if (typeof html !== "string" || !html.includes("style=")) return parse(html, document);
  const styles = [];
  const marked = html.replace(STYLE_ATTRIBUTE, (match, space, quote, css) => {
    styles.push(css);
    return `${space}${MARK}="${styles.length - 1}"`;
  });
  const node = parse(marked, document);
  const roots = node && node.nodeType === 11 ? [...node.children] : [node];
  for (const root of roots) {
    if (!root || root.nodeType !== 1) continue;
    for (const element of [root, ...root.querySelectorAll(`[${MARK}]`)]) {
      const index = element.getAttribute(MARK);
      if (index === null) continue;
      element.removeAttribute(MARK);
      element.style.cssText = styles[Number(index)].replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    }
  }
  return node;
}
