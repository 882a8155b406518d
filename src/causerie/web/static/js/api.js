// HTTP API of the server (same origin only).

export class ApiError extends Error {
  constructor(status, code, message, data = null) {
    super(code);
    this.status = status;
    this.code = code;
    this.serverMessage = message; // {fr, en} or null
    this.data = data; // the whole answer (e.g. `statements` beside a `banned` refusal)
  }
}

async function request(method, path, { token, body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', null);
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const error = data && data.error;
    throw new ApiError(res.status, error?.code || `http_${res.status}`, error?.message || null, data);
  }
  return data;
}

export const api = {
  createSession: (body) => request('POST', '/api/session', { body }),
  endSession: (token) => request('DELETE', '/api/session', { token }),
  postalCode: (code, signal) => request('GET', `/api/postal-codes/${encodeURIComponent(code)}`, { signal }),
  rooms: (token) => request('GET', '/api/rooms', { token }),
  roomHistory: (token, room, before, limit = 100) =>
    request('GET', historyPath(`/api/rooms/${encodeURIComponent(room)}/history`, before, limit), { token }),
  pmHistory: (token, pm, before, limit = 100) =>
    request('GET', historyPath(`/api/pms/${encodeURIComponent(pm)}/history`, before, limit), { token }),
  report: (token, body) => request('POST', '/api/reports', { token, body }),
  appeal: (appealToken, text) => request('POST', '/api/appeals', { body: { token: appealToken, text } }),
  appealStatus: (appealToken) => request('GET', `/api/appeals/${encodeURIComponent(appealToken)}`),
  statementReceipt: (receipt) => request('POST', '/api/statements/receipt', { body: { receipt } }),
};

function historyPath(base, before, limit) {
  const params = new URLSearchParams({ limit: String(limit) });
  if (before != null) params.set('before', String(before));
  return `${base}?${params}`;
}

// Tolerate either a bare list or an object wrapping it.
export function listOf(data, ...keys) {
  if (Array.isArray(data)) return data;
  for (const key of keys) if (data && Array.isArray(data[key])) return data[key];
  return [];
}
