// Messages between the bench and its IPC children (the fake upstream and the reference passthrough).

export type UpstreamRequest = { type: 'stats'; id: number };

export type UpstreamReply =
  | { type: 'ready'; url: string }
  | { type: 'stats'; id: number; connectionsAccepted: number; openConnections: number };
