import { Type } from 'typebox';
import { Id, Nullable, Timestamp } from '../../platform/schemas.js';

const feedFields = {
  id: Id,
  project: Nullable(Type.Object({ id: Id, name: Type.String() }), {
    description: 'The project whose due tasks it lists; null: the tasks assigned to me (My work)',
  }),
  createdAt: Timestamp,
  lastUsedAt: Nullable(Timestamp, { description: 'When a calendar app last read it' }),
};

export const CalendarFeed = Type.Object(feedFields, { $id: 'CalendarFeed' });

export const NewCalendarFeed = Type.Object({
  ...feedFields,
  path: Type.String({
    description:
      'The secret URL path of the feed (/api/v1/ical/<token>.ics), shown only in this response: subscribe to it from a calendar app',
  }),
});

export const CreateCalendarFeedBody = Type.Object(
  {
    projectId: Type.Optional(
      Nullable(Id, { description: 'A project I am a member of; null or left out: My work' }),
    ),
  },
  { additionalProperties: false },
);

export const FeedTokenParams = Type.Object({
  token: Type.String({
    pattern: '^[A-Za-z0-9_-]{43}(\\.ics)?$',
    description: 'The secret of the feed, with or without .ics',
  }),
});
