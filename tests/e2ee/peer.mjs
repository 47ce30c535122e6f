// An encryption peer that is not Trellis: one matrix-js-sdk client (one Matrix device) with its Rust
// crypto and an in-memory store, for Trellis's interoperability tests (tests/harness/jspeer.py).
//
// Protocol: JSON lines. Requests on stdin: {"id": n, "command": "name", "args": {...}}.
// Replies on stdout: {"id": n, "ok": result} or {"id": n, "error": "message"}; requests run
// concurrently and each has a deadline (args.timeout_ms for the waiting ones), so none hangs.
// Events on stdout as they happen: {"event": "name", ...}. Logs go to stderr.
//
// Commands (args → result):
//   login {homeserver_url, user_id, password, device_id?} → {user_id, device_id}  once the first sync
//       is done and this device's keys are uploaded
//   bootstrap {password, passphrase?} → {recovery_key, backup_version}  a new identity: cross-signing
//       (UIA with the password), secret storage under a new recovery key, a new key backup, secrets in
//       4S; on an account that has an identity, Element's reset (the old backup and 4S go first)
//   recover {recovery_key | passphrase} → {backup_version, total, imported}  unlock 4S: import the
//       cross-signing keys, sign this device, enable the backup and restore it
//   create_room {name?, invite?, encrypted = true, direct = false} → {room_id}
//   join {room_id} → {room_id}
//   send {room_id, body} → {event_id}   (join, create_room and send fetch the members' devices fresh)
//   messages {room_id} → [{event_id, sender, type, encrypted, body, decryption_error}]  whole history
//   wait_for {room_id, body, timeout_ms?} → that message, once decrypted (in the live timeline: the
//       last 50 events at login and all since)
//   set_blacklist_unverified {on} → {on}   share room keys only with verified devices
//   wait_backup {timeout_ms?} → {version, total, backed_up}   until every room key is in the backup
//   device_info {user_id, device_id} → {known, cross_signed_by_owner, locally_verified, verified}
//   user_info {user_id} → {cross_signing_verified, master_key}      (both after a fresh /keys/query)
//   request_verification {user_id, device_id?, room_id?} → {flow_id, room_id}
//       own user: to-device (to device_id or all our devices); another user: device_id to-device,
//       else in a DM room (room_id, or a DM found or created as js-sdk apps do)
//   accept_verification, start_sas, confirm_sas, mismatch_sas, cancel_verification {flow_id} → {}
//   scan_qr {flow_id, data_base64} → {}     the bytes the other side's QR code holds
//   scan_qr_image {flow_id, size, modules} → {}  the same from a QR code as drawn (size×size
//       '1'/'0' modules, as Trellis sends them), read by a QR decoder as a camera would
//   show_qr {flow_id} → {data_base64}       a QR code for the other side; confirm_qr {flow_id} once scanned
//   logout → {}; stop → {} and exit
// Events: ready; verification_request {flow_id, user_id, device_id, room_id}; verification_ready
//   {flow_id, device_id}; sas {flow_id, emoji: [{symbol, description}], decimals}; qr_scanned {flow_id};
//   verification_done {flow_id}; verification_cancelled {flow_id, code, reason, by_us}.
import "./stderr-console.mjs";

import { createInterface } from "node:readline";

import { UserId } from "@matrix-org/matrix-sdk-crypto-wasm";
import { ClientEvent, EventType, MatrixError, createClient } from "matrix-js-sdk";
import { CryptoEvent, decodeRecoveryKey, deriveRecoveryKeyFromPassphrase } from "matrix-js-sdk/lib/crypto-api/index.js";

import jsQR from "jsqr";

import { Verifications } from "./verification.mjs";

const DEFAULT_TIMEOUT_MS = 30_000;
const POLL_MS = 200;

function write(line) {
    process.stdout.write(JSON.stringify(line) + "\n");
}

function push(name, fields) {
    write({ event: name, ...fields });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function arg(args, name, type, fallback) {
    const value = args[name];
    if (value === undefined || value === null) {
        if (fallback !== undefined) return fallback;
        throw new Error(`${name} is required`);
    }
    if (type === "array" ? !Array.isArray(value) : typeof value !== type) {
        throw new Error(`${name} must be a ${type}`);
    }
    return value;
}

/** Polls check() until it returns something other than undefined; `what` names it in the timeout error. */
async function until(check, timeoutMs, what) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
        await sleep(POLL_MS);
    }
}

/** The bytes a QR code holds, read from its modules drawn as an image (4 px a module, with the
 * quiet zone a scanner needs), so what is checked is the code as a person's camera sees it. */
function readQr(size, modules) {
    if (modules.length !== size * size) throw new Error(`modules must be ${size}×${size}`);
    const scale = 4, border = 4, width = (size + 2 * border) * scale;
    const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
    for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
            if (modules[y * size + x] !== "1") continue;
            for (let dy = 0; dy < scale; dy++) {
                const row = ((y + border) * scale + dy) * width;
                for (let dx = 0; dx < scale; dx++) {
                    const at = (row + (x + border) * scale + dx) * 4;
                    pixels[at] = pixels[at + 1] = pixels[at + 2] = 0;
                }
            }
        }
    }
    const code = jsQR(pixels, width, width);
    if (!code) throw new Error("no QR code could be read from the modules");
    return Buffer.from(code.binaryData);
}

// --- the client ----------------------------------------------------------------------------------

let client = null;
let verifications = null;
// Secret-storage keys this device knows (key id → raw key): js-sdk asks for them through callbacks.
const secretStorageKeys = new Map();

const cryptoCallbacks = {
    getSecretStorageKey: async ({ keys }) => {
        const keyId = Object.keys(keys).find((id) => secretStorageKeys.has(id));
        return keyId ? [keyId, secretStorageKeys.get(keyId)] : null;
    },
    cacheSecretStorageKey: (keyId, _info, key) => secretStorageKeys.set(keyId, key),
};

function loggedIn() {
    if (!client) throw new Error("not logged in");
    return client;
}

function cryptoApi() {
    return loggedIn().getCrypto();
}

/** The Rust OlmMachine and request senders behind js-sdk's CryptoApi: js-sdk has no public way to
 * force a fresh /keys/query for a user it already tracks, to count backed-up keys, or to wait
 * for this device's keys to reach the homeserver. */
function rustCrypto() {
    const inner = cryptoApi();
    if (!inner.olmMachine || !inner.outgoingRequestProcessor || !inner.outgoingRequestsManager) {
        throw new Error("this js-sdk's crypto has no OlmMachine (not the Rust crypto?)");
    }
    return inner;
}

async function queryKeys(userIds) {
    const rust = rustCrypto();
    const request = rust.olmMachine.queryKeysForUsers(userIds.map((id) => new UserId(id)));
    await rust.outgoingRequestProcessor.makeOutgoingRequest(request);
}

async function login(args) {
    if (client) throw new Error("already logged in");
    const baseUrl = arg(args, "homeserver_url", "string");
    const deviceId = arg(args, "device_id", "string", "");
    const anonymous = createClient({ baseUrl, localTimeoutMs: DEFAULT_TIMEOUT_MS });
    const session = await anonymous.loginRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: arg(args, "user_id", "string") },
        password: arg(args, "password", "string"),
        initial_device_display_name: "js-sdk peer",
        ...(deviceId ? { device_id: deviceId } : {}),
    });
    const c = createClient({
        baseUrl,
        userId: session.user_id,
        deviceId: session.device_id,
        accessToken: session.access_token,
        cryptoCallbacks,
        localTimeoutMs: DEFAULT_TIMEOUT_MS,
    });
    await c.initRustCrypto({ useIndexedDB: false });
    verifications = new Verifications(push);
    c.on(CryptoEvent.VerificationRequestReceived, (request) => verifications.track(request, true));
    const synced = new Promise((resolve, reject) => {
        c.on(ClientEvent.Sync, (state, _prev, data) => {
            if (state === "PREPARED" || state === "SYNCING") resolve();
            if (state === "ERROR") reject(new Error(`first sync failed: ${data?.error?.message ?? "unknown"}`));
        });
    });
    client = c;
    try {
        await c.startClient({ initialSyncLimit: 50 });
        await synced;
        // Logged in means reachable: this device's keys and one-time keys are on the homeserver, so
        // a message sent to it right away gets a room key rather than a withheld "no Olm session".
        await rustCrypto().outgoingRequestsManager.doProcessOutgoingRequests();
    } catch (e) {
        c.stopClient();
        client = null;
        throw e;
    }
    return { user_id: session.user_id, device_id: session.device_id };
}

/** Answers the homeserver's user-interactive auth with the account password (none asked: none given). */
function passwordAuth(password) {
    return async (makeRequest) => {
        try {
            return await makeRequest(null);
        } catch (e) {
            if (!(e instanceof MatrixError) || e.httpStatus !== 401 || !e.data?.flows) throw e;
            return await makeRequest({
                type: "m.login.password",
                identifier: { type: "m.id.user", user: loggedIn().getUserId() },
                password,
                session: e.data.session,
            });
        }
    };
}

async function bootstrap(args) {
    const password = arg(args, "password", "string");
    const passphrase = arg(args, "passphrase", "string", "");
    const api = cryptoApi();
    const me = loggedIn().getUserId();
    const key = await api.createRecoveryKeyFromPassphrase(passphrase || undefined);
    await queryKeys([me]);
    if (await api.userHasCrossSigningKeys(me)) {
        // Element's "reset": old backups and secret storage go first (so a refused password leaves
        // the account without them, as it does in Element), then new cross-signing keys.
        await api.resetEncryption(passwordAuth(password));
    } else {
        await api.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys: passwordAuth(password) });
    }
    await api.bootstrapSecretStorage({
        createSecretStorageKey: async () => key,
        setupNewSecretStorage: true,
        setupNewKeyBackup: true,
    });
    if (!(await api.isCrossSigningReady())) throw new Error("cross-signing is not ready after bootstrap");
    if (!(await api.isSecretStorageReady())) throw new Error("secret storage is not ready after bootstrap");
    // The new backup is enabled in the background; wait for it here, so the caller can rely on it.
    const version = (await api.checkKeyBackupAndEnable())?.backupInfo?.version;
    if (!version || version !== (await api.getActiveSessionBackupVersion())) {
        throw new Error("no active key backup after bootstrap");
    }
    return { recovery_key: key.encodedPrivateKey, backup_version: version };
}

async function recover(args) {
    const c = loggedIn();
    const found = await c.secretStorage.getKey();
    if (!found) throw new Error("this account has no secret storage");
    const [keyId, info] = found;
    let key;
    if (args.recovery_key !== undefined) {
        key = decodeRecoveryKey(arg(args, "recovery_key", "string"));
    } else {
        const passphrase = arg(args, "passphrase", "string");
        if (!info.passphrase) throw new Error("the secret storage key has no passphrase");
        key = await deriveRecoveryKeyFromPassphrase(
            passphrase, info.passphrase.salt, info.passphrase.iterations, info.passphrase.bits);
    }
    if (!(await c.secretStorage.checkKey(key, info))) throw new Error("wrong recovery key or passphrase");
    if (!(await c.secretStorage.isStored("m.cross_signing.master"))) {
        throw new Error("secret storage holds no cross-signing keys");
    }
    secretStorageKeys.set(keyId, key);
    await queryKeys([c.getUserId()]);
    const api = cryptoApi();
    // The keys are in 4S, so this imports them and signs this device; it must never make new ones.
    await api.bootstrapCrossSigning({
        authUploadDeviceSigningKeys: async () => {
            throw new Error("recover would have reset cross-signing");
        },
    });
    await api.loadSessionBackupPrivateKeyFromSecretStorage();
    const check = await api.checkKeyBackupAndEnable();
    if (!check?.backupInfo?.version) throw new Error("the account has no key backup");
    const restored = await api.restoreKeyBackup();
    return { backup_version: check.backupInfo.version, total: restored.total, imported: restored.imported };
}

// --- rooms ---------------------------------------------------------------------------------------

/** Waits until sync has brought the joined room, and its encryption when it has any. */
async function joinedRoom(roomId, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const c = loggedIn();
    return until(async () => {
        const room = c.getRoom(roomId);
        if (!room || room.getMyMembership() !== "join") return undefined;
        if (room.hasEncryptionStateEvent() && !(await cryptoApi().isEncryptionEnabledInRoom(roomId))) return undefined;
        return room;
    }, timeoutMs, `joined room ${roomId} in sync`);
}

/** Tracks the devices of the room's members and fetches them fresh. The Rust crypto ignores a
 * verification request from a device it does not know, and js-sdk only starts tracking a room's
 * members when it first encrypts there: a person who has just joined a DM must still see a
 * request in it. */
async function knowMembersDevices(room) {
    const userIds = room.getMembers().filter((m) => ["join", "invite"].includes(m.membership)).map((m) => m.userId);
    if (!userIds.length) return;
    await rustCrypto().olmMachine.updateTrackedUsers(userIds.map((id) => new UserId(id)));
    await queryKeys(userIds);
}

async function join(args) {
    const c = loggedIn();
    const roomId = arg(args, "room_id", "string");
    // The inviter, from the invite: known before the join's sync brings their events.
    const invited = c.getRoom(roomId);
    if (invited) await knowMembersDevices(invited);
    await c.joinRoom(roomId);
    await knowMembersDevices(await joinedRoom(roomId));
    return { room_id: roomId };
}

async function createRoom(args) {
    const c = loggedIn();
    const invite = arg(args, "invite", "array", []);
    const encrypted = arg(args, "encrypted", "boolean", true);
    const direct = arg(args, "direct", "boolean", false);
    const name = arg(args, "name", "string", "");
    const { room_id: roomId } = await c.createRoom({
        preset: direct ? "trusted_private_chat" : "private_chat",
        invite,
        is_direct: direct,
        ...(name ? { name } : {}),
        initial_state: encrypted
            ? [{ type: "m.room.encryption", state_key: "", content: { algorithm: "m.megolm.v1.aes-sha2" } }]
            : [],
    });
    if (direct) await markDirect(roomId, invite);
    await knowMembersDevices(await joinedRoom(roomId));
    return { room_id: roomId };
}

async function markDirect(roomId, userIds) {
    const c = loggedIn();
    const direct = { ...(c.getAccountData(EventType.Direct)?.getContent() ?? {}) };
    for (const userId of userIds) direct[userId] = [...(direct[userId] ?? []), roomId];
    await c.setAccountData(EventType.Direct, direct);
}

/** A DM with userId as js-sdk apps keep them (m.direct), created when there is none. */
async function directRoom(userId) {
    const c = loggedIn();
    const candidates = c.getAccountData(EventType.Direct)?.getContent()?.[userId] ?? [];
    for (const roomId of candidates) {
        const room = c.getRoom(roomId);
        const them = room?.getMember(userId)?.membership;
        if (room?.getMyMembership() === "join" && (them === "join" || them === "invite")) return roomId;
    }
    return (await createRoom({ invite: [userId], direct: true })).room_id;
}

async function send(args) {
    const roomId = arg(args, "room_id", "string");
    const room = await joinedRoom(roomId);
    // Every device the homeserver knows now gets the room key, even one that logged in a moment
    // ago and whose device-list change this client's sync has not brought yet.
    await knowMembersDevices(room);
    const { event_id: eventId } = await loggedIn().sendMessage(roomId, {
        msgtype: "m.text",
        body: arg(args, "body", "string"),
    });
    // An interop test must never pass on a plaintext message in an encrypted room.
    const sent = room.findEventById(eventId);
    if (room.hasEncryptionStateEvent() && sent && !sent.isEncrypted()) {
        throw new Error(`${eventId} went out unencrypted in an encrypted room`);
    }
    return { event_id: eventId };
}

function describe(event) {
    const failed = event.isDecryptionFailure();
    return {
        event_id: event.getId(),
        sender: event.getSender(),
        type: event.getType(),
        encrypted: event.isEncrypted(),
        body: failed ? null : (event.getContent().body ?? null),
        decryption_error: failed ? (event.decryptionFailureReason ?? "UNKNOWN_ERROR") : null,
    };
}

/** Settles every decryption attempt (each event is tried once when it arrives, again when its key does). */
async function settled(events) {
    const c = loggedIn();
    await Promise.all(events.filter((e) => e.isEncrypted()).map((e) => c.decryptEventIfNeeded(e)));
    return events;
}

async function messages(args) {
    const c = loggedIn();
    const room = await joinedRoom(arg(args, "room_id", "string"));
    const timeline = room.getLiveTimeline();
    // Back to the room's creation: test rooms are small, the bound only stops a runaway.
    for (let page = 0; page < 50; page++) {
        if (!(await c.paginateEventTimeline(timeline, { backwards: true, limit: 100 }))) break;
    }
    return (await settled(timeline.getEvents())).map(describe);
}

async function waitFor(args) {
    const roomId = arg(args, "room_id", "string");
    const body = arg(args, "body", "string");
    const timeoutMs = arg(args, "timeout_ms", "number", DEFAULT_TIMEOUT_MS);
    const room = await joinedRoom(roomId, timeoutMs);
    let seen = [];
    try {
        return await until(async () => {
            seen = (await settled(room.getLiveTimeline().getEvents())).map(describe);
            return seen.find((e) => e.type === "m.room.message" && e.body === body);
        }, timeoutMs, `message "${body}" in ${roomId}`);
    } catch (e) {
        const last = seen.filter((m) => m.type === "m.room.message" || m.encrypted).slice(-5);
        throw new Error(`${e.message}; last messages: ${JSON.stringify(last)}`);
    }
}

// --- keys and trust ------------------------------------------------------------------------------

async function waitBackup(args) {
    const timeoutMs = arg(args, "timeout_ms", "number", DEFAULT_TIMEOUT_MS);
    const version = await cryptoApi().getActiveSessionBackupVersion();
    if (!version) throw new Error("no key backup is active on this device");
    return until(async () => {
        const counts = await rustCrypto().olmMachine.roomKeyCounts();
        if (counts.backedUp >= counts.total) return { version, total: counts.total, backed_up: counts.backedUp };
        return undefined;
    }, timeoutMs, "upload of every room key to the backup");
}

async function deviceInfo(args) {
    const userId = arg(args, "user_id", "string");
    const deviceId = arg(args, "device_id", "string");
    await queryKeys([userId]);
    const status = await cryptoApi().getDeviceVerificationStatus(userId, deviceId);
    if (!status) return { known: false, cross_signed_by_owner: false, locally_verified: false, verified: false };
    return {
        known: true,
        cross_signed_by_owner: status.signedByOwner,
        locally_verified: status.localVerified,
        verified: status.isVerified(),
    };
}

async function userInfo(args) {
    const userId = arg(args, "user_id", "string");
    await queryKeys([userId]);
    const status = await cryptoApi().getUserVerificationStatus(userId);
    const identity = await rustCrypto().olmMachine.getIdentity(new UserId(userId));
    let masterKey = null;
    if (identity) {
        masterKey = Object.values(JSON.parse(identity.masterKey).keys)[0] ?? null;
        identity.free();
    }
    return { cross_signing_verified: status.isCrossSigningVerified(), master_key: masterKey };
}

async function requestVerification(args) {
    const c = loggedIn();
    const userId = arg(args, "user_id", "string");
    const deviceId = arg(args, "device_id", "string", "");
    await queryKeys([userId]);
    let request;
    let roomId = null;
    if (deviceId) {
        request = await c.getCrypto().requestDeviceVerification(userId, deviceId);
    } else if (userId === c.getUserId()) {
        request = await c.getCrypto().requestOwnUserVerification();
    } else {
        roomId = arg(args, "room_id", "string", "") || (await directRoom(userId));
        await joinedRoom(roomId);
        request = await c.getCrypto().requestVerificationDM(userId, roomId);
    }
    return { flow_id: verifications.track(request, false), room_id: roomId };
}

// --- the command loop ----------------------------------------------------------------------------

const flow = (args) => arg(args, "flow_id", "string");
const waiting = (args) => (typeof args.timeout_ms === "number" ? args.timeout_ms : DEFAULT_TIMEOUT_MS) + 5_000;

// name → [run(args), deadline in ms for these args]
const COMMANDS = {
    login: [login, () => 60_000],
    bootstrap: [bootstrap, () => 60_000],
    recover: [recover, () => 60_000],
    create_room: [createRoom],
    join: [join],
    send: [send],
    messages: [messages, () => 60_000],
    wait_for: [waitFor, waiting],
    set_blacklist_unverified: [async (args) => {
        cryptoApi().globalBlacklistUnverifiedDevices = arg(args, "on", "boolean");
        return { on: cryptoApi().globalBlacklistUnverifiedDevices };
    }],
    wait_backup: [waitBackup, waiting],
    device_info: [deviceInfo],
    user_info: [userInfo],
    request_verification: [requestVerification],
    accept_verification: [async (args) => (await verifications.accept(flow(args)), {})],
    start_sas: [async (args) => (await verifications.startSas(flow(args)), {})],
    confirm_sas: [async (args) => (await verifications.confirmSas(flow(args)), {})],
    mismatch_sas: [async (args) => (verifications.mismatchSas(flow(args)), {})],
    cancel_verification: [async (args) => (await verifications.cancel(flow(args)), {})],
    scan_qr: [async (args) => {
        await verifications.scanQr(flow(args), Buffer.from(arg(args, "data_base64", "string"), "base64"));
        return {};
    }],
    scan_qr_image: [async (args) => {
        await verifications.scanQr(flow(args), readQr(arg(args, "size", "number"), arg(args, "modules", "string")));
        return {};
    }],
    show_qr: [async (args) => ({ data_base64: (await verifications.showQr(flow(args))).toString("base64") })],
    confirm_qr: [async (args) => (verifications.confirmQr(flow(args)), {})],
    logout: [async () => {
        await loggedIn().logout(true);
        client = null;
        return {};
    }],
    stop: [async () => {
        setImmediate(shutdown);
        return {};
    }],
};

async function handle(line) {
    let request;
    try {
        request = JSON.parse(line);
    } catch {
        write({ id: null, error: `not JSON: ${line.slice(0, 200)}` });
        return;
    }
    const id = request?.id ?? null;
    const entry = COMMANDS[request?.command];
    if (!entry) {
        write({ id, error: `unknown command ${JSON.stringify(request?.command)}; known: ${Object.keys(COMMANDS).join(", ")}` });
        return;
    }
    const [run, deadline = () => DEFAULT_TIMEOUT_MS] = entry;
    const args = request.args ?? {};
    let timer;
    try {
        const ms = deadline(args);
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${request.command} did not finish within ${ms} ms`)), ms);
        });
        write({ id, ok: (await Promise.race([run(args), timeout])) ?? null });
    } catch (e) {
        console.error(`${request.command} failed:`, e);
        write({ id, error: `${request.command}: ${e?.message ?? String(e)}` });
    } finally {
        clearTimeout(timer);
    }
}

let stopping = false;
function shutdown() {
    if (stopping) return;
    stopping = true;
    client?.stopClient();
    process.exit(0);
}

process.on("unhandledRejection", (e) => console.error("unhandled rejection:", e));
const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
    if (line.trim()) handle(line);
});
input.on("close", shutdown);
push("ready", { pid: process.pid });
