// A large Trello board export, shaped as Trello writes one (every card with the dozens of fields
// Trello exports beside the ten the import reads), written to a file piece by piece so that the
// writer never holds it whole. For the streamed import's tests and its benchmark (issue 15).
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export interface BoardShape {
  cards: number;
  /** One card in this many has a checklist of four items. */
  checklistEvery?: number;
  /** Actions in the export (Trello writes at most 1,000); one in four is a comment. */
  actions?: number;
}

const LISTS = ['To do', 'Doing', 'Review', 'Done'];
const LABELS = ['green', 'yellow', 'orange', 'red', 'purple', 'blue'];
const hex = (prefix: string, n: number) =>
  `${prefix}${n.toString(16).padStart(24 - prefix.length, '0')}`;
const boardId = hex('65a0f1c4', 1);
const listId = (i: number) => hex('65a0f1c5', i);
const labelId = (i: number) => hex('65a0f1c6', i);
const cardId = (i: number) => hex('65a0f1d0', i);

function card(i: number, shape: BoardShape) {
  const id = cardId(i);
  const labels = [labelId(i % LABELS.length), labelId((i * 7) % LABELS.length)];
  return {
    id,
    address: null,
    badges: {
      attachmentsByType: { trello: { board: 0, card: 0 } },
      location: false,
      votes: 0,
      viewingMemberVoted: false,
      subscribed: false,
      fogbugz: '',
      checkItems: 4,
      checkItemsChecked: 1,
      checkItemsEarliestDue: null,
      comments: 0,
      attachments: 0,
      description: true,
      due: null,
      dueComplete: false,
      start: null,
    },
    checkItemStates: [],
    closed: i % 50 === 49,
    coordinates: null,
    creationMethod: null,
    dueComplete: false,
    dateLastActivity: '2024-02-01T10:00:00.000Z',
    desc: `Card ${i}: what needs doing, with a few sentences as people write them on a board, and a link https://example.com/${i}.`,
    descData: { emoji: {} },
    due: i % 5 === 0 ? '2024-03-01T17:00:00.000Z' : null,
    dueReminder: null,
    email: `trello+${id}@boards.trello.com`,
    idBoard: boardId,
    idChecklists:
      shape.checklistEvery && i % shape.checklistEvery === 0 ? [hex('65a0f1d1', i)] : [],
    idLabels: [...new Set(labels)],
    idList: listId(i % LISTS.length),
    idMembers: [],
    idMembersVoted: [],
    idShort: i + 1,
    idAttachmentCover: null,
    labels: [...new Set(labels)].map((l) => ({
      id: l,
      idBoard: boardId,
      name: '',
      color: 'green',
    })),
    limits: {
      attachments: { perCard: { status: 'ok', disableAt: 1000, warnAt: 800 } },
      checklists: { perCard: { status: 'ok', disableAt: 500, warnAt: 400 } },
      stickers: { perCard: { status: 'ok', disableAt: 70, warnAt: 56 } },
    },
    locationName: null,
    manualCoverAttachment: false,
    name: `Task number ${i} of the big board`,
    pos: 16384 * (i + 1),
    shortLink: id.slice(-8),
    shortUrl: `https://trello.com/c/${id.slice(-8)}`,
    start: null,
    subscribed: false,
    url: `https://trello.com/c/${id.slice(-8)}/${i + 1}-task-number-${i}-of-the-big-board`,
    cover: {
      idAttachment: null,
      color: null,
      idUploadedBackground: null,
      size: 'normal',
      brightness: 'dark',
      idPlugin: null,
    },
    isTemplate: false,
    cardRole: null,
  };
}

/** Writes the board to `file`; its size in bytes. */
export async function writeTrelloBoard(file: string, shape: BoardShape): Promise<number> {
  const out = createWriteStream(file);
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(
    `{"id":"${boardId}","name":"Big board","desc":"A board of ${shape.cards} cards.","closed":false,"prefs":{"background":"blue","permissionLevel":"private"},`,
  );
  await write(
    `"labels":${JSON.stringify(LABELS.map((color, i) => ({ id: labelId(i), idBoard: boardId, name: `${color} work`, color })))},`,
  );
  await write(`"actions":[`);
  const actions = shape.actions ?? 1000;
  for (let i = 0; i < actions; i++) {
    const comment = i % 4 === 0;
    await write(
      (i ? ',' : '') +
        JSON.stringify({
          id: hex('65a0f1e0', i),
          idMemberCreator: hex('65a0f1c7', 1),
          type: comment ? 'commentCard' : 'updateCard',
          date: '2024-02-01T10:00:00.000Z',
          data: {
            ...(comment ? { text: `Comment ${i} on the card` } : { old: { pos: 1 } }),
            card: {
              id: cardId(i % shape.cards),
              name: `Task number ${i % shape.cards}`,
              idShort: i + 1,
            },
            board: { id: boardId, name: 'Big board' },
            list: { id: listId(0), name: LISTS[0] },
          },
          memberCreator: {
            id: hex('65a0f1c7', 1),
            fullName: 'Ana López',
            username: 'ana',
            avatarUrl: null,
          },
        }),
    );
  }
  await write(`],"cards":[`);
  for (let i = 0; i < shape.cards; i++)
    await write((i ? ',' : '') + JSON.stringify(card(i, shape)));
  await write(
    `],"lists":${JSON.stringify(LISTS.map((name, i) => ({ id: listId(i), name, closed: false, idBoard: boardId, pos: 16384 * (i + 1), subscribed: false })))},`,
  );
  await write(
    `"members":[{"id":"${hex('65a0f1c7', 1)}","fullName":"Ana López","username":"ana"}],"checklists":[`,
  );
  let first = true;
  for (let i = 0; shape.checklistEvery && i < shape.cards; i += shape.checklistEvery) {
    await write(
      (first ? '' : ',') +
        JSON.stringify({
          id: hex('65a0f1d1', i),
          name: 'Steps',
          idBoard: boardId,
          idCard: cardId(i),
          pos: 16384,
          checkItems: [1, 2, 3, 4].map((n) => ({
            id: hex(`65a0f1d2${n}`, i),
            name: `Step ${n}`,
            nameData: { emoji: {} },
            pos: 16384 * n,
            state: n === 1 ? 'complete' : 'incomplete',
            idChecklist: hex('65a0f1d1', i),
            due: null,
            idMember: null,
          })),
        }),
    );
    first = false;
  }
  await write(`],"customFields":[],"pluginData":[]}`);
  out.end();
  await once(out, 'finish');
  return bytes;
}
