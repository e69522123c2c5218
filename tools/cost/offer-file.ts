/**
 * Reads an AWS Price List bulk offer file (`/offers/v1.0/aws/<ServiceCode>/current/<region>/index.json`)
 * as a stream, keeping only the products a filter accepts and their on-demand terms.
 *
 * The format (public, no credentials): { formatVersion, offerCode, version, publicationDate,
 * products: { <sku>: { sku, productFamily, attributes: {...} } },
 * terms: { OnDemand: { <sku>: { <offerTermCode>: { priceDimensions: { <rateCode>: { unit, pricePerUnit: { USD } } } } } }, Reserved: ... } }.
 * A region's AmazonEC2 file (where NAT gateways are priced) is several hundred megabytes, more than
 * one JavaScript string holds, so the file is never read whole: each product and each term is cut
 * out of the stream and parsed on its own.
 */

export interface OfferProduct {
  readonly sku: string;
  /** @default - absent in the offer file */
  readonly productFamily?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface PriceDimension {
  readonly unit: string;
  /** @default - absent in the offer file */
  readonly description?: string;
  /** @default - absent in the offer file (the price is not tiered) */
  readonly beginRange?: string;
  /** @default - absent in the offer file (the price is not tiered) */
  readonly endRange?: string;
  readonly pricePerUnit: Readonly<Record<string, string>>;
}

export interface OfferTerm {
  /** @default - absent in the offer file */
  readonly offerTermCode?: string;
  readonly priceDimensions: Readonly<Record<string, PriceDimension>>;
}

export interface Offer {
  /** @default - absent in the offer file */
  readonly formatVersion?: string;
  /** @default - absent in the offer file */
  readonly offerCode?: string;
  /** @default - absent in the offer file */
  readonly publicationDate?: string;
  readonly products: ReadonlyMap<string, OfferProduct>;
  /** On-demand terms of the kept products, by SKU. */
  readonly onDemand: ReadonlyMap<string, readonly OfferTerm[]>;
}

interface Frame {
  readonly kind: "object" | "array";
  key?: string;
  expectKey: boolean;
}

const HEADER = new Set(["formatVersion", "offerCode", "publicationDate"]);

/**
 * Parses the offer text arriving in `chunks`. `keep` sees every product; terms are read only for the
 * products it kept (products come before terms in every offer file, which the reader relies on).
 */
export async function readOffer(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  keep: (p: OfferProduct) => boolean,
): Promise<Offer> {
  const decoder = new TextDecoder("utf-8");
  const header: Record<string, string> = {};
  const products = new Map<string, OfferProduct>();
  const onDemand = new Map<string, OfferTerm[]>();
  const stack: Frame[] = [];
  let inString = false;
  let escaped = false;
  let text = ""; // the string being read, outside a captured value
  let capture: { depth: number; parts: string[]; path: readonly string[] } | undefined;
  let captureFrom = 0;

  const pathHere = (): string[] => stack.map((f) => f.key ?? "");
  const wanted = (path: readonly string[]): boolean =>
    (path.length === 2 && path[0] === "products") ||
    (path.length === 3 && path[0] === "terms" && path[1] === "OnDemand" && products.has(path[2]));
  const captured = (path: readonly string[], raw: string) => {
    const value = JSON.parse(raw) as unknown;
    if (path[0] === "products") {
      const p = value as OfferProduct;
      if (p && typeof p === "object" && keep({ ...p, sku: p.sku ?? path[1], attributes: p.attributes ?? {} }))
        products.set(path[1], { ...p, sku: p.sku ?? path[1], attributes: p.attributes ?? {} });
    } else {
      onDemand.set(path[2], Object.values(value as Record<string, OfferTerm>));
    }
  };

  for await (const chunk of chunks) {
    const s = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    captureFrom = 0;
    // Strings are skipped with indexOf, not a character at a time: the AmazonEC2 files are mostly strings.
    let nextBackslash = -1;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (inString) {
        if (escaped) {
          escaped = false;
          if (!capture) text += c;
          continue;
        }
        if (nextBackslash !== s.length && nextBackslash < i) {
          const found = s.indexOf("\\", i);
          nextBackslash = found === -1 ? s.length : found;
        }
        const quote = s.indexOf('"', i);
        const stop = Math.min(quote === -1 ? s.length : quote, nextBackslash);
        if (!capture) text += s.slice(i, stop);
        i = stop;
        if (stop === s.length) continue;
        if (s[i] === "\\") {
          escaped = true;
          if (!capture) text += "\\";
          continue;
        }
        inString = false;
        if (!capture) {
          const top = stack[stack.length - 1];
          const value = JSON.parse(`"${text}"`) as string;
          if (top?.kind === "object" && top.expectKey) top.key = value;
          else if (stack.length === 1 && top?.key && HEADER.has(top.key)) header[top.key] = value;
        }
        continue;
      }
      switch (c) {
        case '"':
          inString = true;
          text = "";
          break;
        case ":":
          if (stack.length) stack[stack.length - 1].expectKey = false;
          break;
        case ",":
          if (stack.length && stack[stack.length - 1].kind === "object") stack[stack.length - 1].expectKey = true;
          break;
        case "{":
        case "[": {
          if (!capture && wanted(pathHere())) {
            capture = { depth: stack.length, parts: [], path: pathHere() };
            captureFrom = i;
          }
          stack.push({ kind: c === "{" ? "object" : "array", expectKey: c === "{" });
          break;
        }
        case "}":
        case "]":
          stack.pop();
          if (capture && stack.length === capture.depth) {
            capture.parts.push(s.slice(captureFrom, i + 1));
            captured(capture.path, capture.parts.join(""));
            capture = undefined;
          }
          break;
      }
    }
    if (capture) capture.parts.push(s.slice(captureFrom));
  }
  if (stack.length !== 0 || inString) throw new Error(`the offer file ended early (${stack.length} open bracket(s)): a truncated download`);
  return { formatVersion: header.formatVersion, offerCode: header.offerCode, publicationDate: header.publicationDate, products, onDemand };
}

/** The USD on-demand prices of one product: [unit, price][] (several when the price is tiered). */
export function usdPrices(offer: Offer, sku: string): { unit: string; usd: number; beginRange?: string }[] {
  const out: { unit: string; usd: number; beginRange?: string }[] = [];
  for (const term of offer.onDemand.get(sku) ?? []) {
    for (const d of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(d.pricePerUnit?.USD);
      if (d.pricePerUnit?.USD !== undefined && Number.isFinite(usd)) out.push({ unit: d.unit, usd, beginRange: d.beginRange });
    }
  }
  return out;
}
