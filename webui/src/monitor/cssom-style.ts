// A Lit element directive that sets style properties through the CSSOM
// (element.style.setProperty) every time, the first render included. The
// page's CSP (style-src 'self') refuses style attributes, and Lit's own
// styleMap writes the attribute on its first render.
import { type ElementPart, noChange } from 'lit';
import { Directive, directive, type PartInfo, PartType } from 'lit/directive.js';

class CssomStyle extends Directive {
  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('cssomStyle goes on an element');
  }

  render(_props: Readonly<Record<string, string>>): unknown {
    return noChange;
  }

  override update(part: ElementPart, [props]: [Readonly<Record<string, string>>]): unknown {
    const { style } = part.element as HTMLElement;
    for (const [name, value] of Object.entries(props))
      if (style.getPropertyValue(name) !== value) style.setProperty(name, value);
    return noChange;
  }
}

/** `<div ${cssomStyle({ height: '10px' })}>`: styles that pass a strict CSP. */
export const cssomStyle = directive(CssomStyle);
