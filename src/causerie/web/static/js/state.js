// The client's in-memory state, shared by the screens.

export const state = {
  token: null,
  session: null, // as in POST /api/session
  rooms: new Map(), // room id -> room object {id, name:{fr,en}, band, kind, members}
  joined: new Set(), // room ids
  convs: new Map(), // key -> conversation (see newConv)
  order: [], // keys of open conversation tabs, in tab order
  active: null, // key of the shown conversation
  people: new Map(), // pseudo -> person object
  filters: {},
  ignored: new Set(),
  pmPolicy: 'band',
  sound: true,
  features: new Set(), // optional server features (e.g. 'report'), from welcome.features
  view: 'chat', // mobile view: rooms | chat | people
};

export const roomKey = (id) => `room:${id}`;
export const pmKey = (id) => `pm:${id}`;
export const draftKey = (pseudo) => `draft:${pseudo.toLowerCase()}`;

export function newConv(key, props) {
  return {
    key,
    kind: 'room', // room | pm | draft
    id: null, // room id or pm id
    peer: null, // person object for pm / draft
    messages: new Map(), // seq -> message
    pending: new Map(), // client_id -> {text, frame, failed}
    lastSeq: 0,
    unread: 0,
    peerRead: 0, // highest seq the peer has read (pm)
    readSent: 0, // highest seq we reported read (pm)
    typingUntil: 0,
    firstWriter: null, // pseudo of whoever wrote first (pm)
    loaded: false, // history fetched or received
    ...props,
  };
}

export function isMe(pseudo) {
  return !!state.session && pseudo === state.session.pseudo;
}

export function bandOfAge(age) {
  return age >= 18 ? 'adult' : 'teen';
}

export function findPmByPeer(pseudo) {
  for (const conv of state.convs.values()) {
    if (conv.kind === 'pm' && conv.peer && conv.peer.pseudo === pseudo) return conv;
  }
  return null;
}
