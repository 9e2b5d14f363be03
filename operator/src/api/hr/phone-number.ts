// Phone numbers as people type them ("+232 76 123 456", "(030) 123-456",
// "0044 20 …") become the E.164 form the SipAgent CRD stores. libphonenumber-js
// (Google's libphonenumber metadata, maintained) knows every country's number
// lengths and national prefixes; we only word its verdicts for the 400.
import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js';
import type { FieldError } from '../../schema/errors.ts';

export type PhoneNumberResult =
  | { readonly ok: true; readonly e164: string }
  | { readonly ok: false; readonly message: string };

/** A DEFAULT_PHONE_REGION value (ISO 3166-1 alpha-2, e.g. "DE"), or undefined for none. */
export function phoneRegion(value: string | undefined): CountryCode | undefined {
  if (value === undefined || value === '') return undefined;
  const code = value.toUpperCase();
  if (!isSupportedCountry(code))
    throw new Error(`DEFAULT_PHONE_REGION must be a country code such as DE or SL, got "${value}"`);
  return code;
}

const EXAMPLE = 'e.g. "+4930123456" or "+49 30 123456"';

function whyNot(text: string, region: CountryCode | undefined): string {
  const reason = validatePhoneNumberLength(text, region ? { defaultCountry: region } : undefined);
  switch (reason) {
    case 'INVALID_COUNTRY':
      return text.trim().startsWith('+') || text.trim().startsWith('00')
        ? `starts with a country code that does not exist (${EXAMPLE})`
        : region
          ? `is not a phone number of ${region} nor one with a country code (${EXAMPLE})`
          : `needs the country code: no default region is set (DEFAULT_PHONE_REGION) to read a national number (${EXAMPLE}; stored as E.164)`;
    case 'TOO_SHORT':
      return 'has too few digits for a phone number of that country';
    case 'TOO_LONG':
      return 'has too many digits for a phone number of that country';
    case 'INVALID_LENGTH':
      return 'has a number of digits that no phone number of that country has';
    default:
      return `is not a phone number (${EXAMPLE})`;
  }
}

/**
 * Spaces, dashes, dots, brackets, "00" and national forms (with the default
 * region) are accepted; the answer is E.164, or what is wrong in words.
 */
export function toE164(text: string, region: CountryCode | undefined): PhoneNumberResult {
  const parsed = parsePhoneNumberFromString(text, region ? { defaultCountry: region } : undefined);
  if (!parsed?.isPossible()) return { ok: false, message: whyNot(text, region) };
  if (parsed.ext)
    return {
      ok: false,
      message: `has an extension ("${parsed.ext}"), which cannot be stored: give the number alone`,
    };
  return { ok: true, e164: parsed.number };
}

/**
 * The body's phoneNumber in E.164 (the body is changed in place), or the
 * field error. Leaves anything but a string to the schema's type check.
 */
export function normalizePhoneField(
  body: unknown,
  region: CountryCode | undefined,
): FieldError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.phoneNumber !== 'string' || record.phoneNumber.length > 64) return undefined;
  const result = toE164(record.phoneNumber, region);
  if (!result.ok) return { field: 'phoneNumber', message: result.message };
  record.phoneNumber = result.e164;
  return undefined;
}
