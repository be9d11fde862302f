import { Type } from 'typebox';
import type { Static } from 'typebox';
import { StringEnum } from '../../platform/schemas.js';

export const LANGUAGES = ['en', 'es'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;

type Language = (typeof LANGUAGES)[number];
/** A language or null ("the browser's"): the type list and the enum both name null. */
const Language = Type.Unsafe<Language | null>({
  type: ['string', 'null'],
  enum: [...LANGUAGES, null],
  description: "The UI's language; null: the browser's",
});
const Theme = StringEnum(THEMES, { description: 'system follows the device; light or dark' });

export const Preferences = Type.Object(
  {
    language: Language,
    theme: Theme,
  },
  { $id: 'Preferences' },
);
export type Preferences = Static<typeof Preferences>;

export const UpdatePreferencesBody = Type.Object(
  {
    language: Type.Optional(Language),
    theme: Type.Optional(Theme),
  },
  { additionalProperties: false, minProperties: 1 },
);
