/**
 * Routing alerts to key owners, through the real alert stage, a real SMTP
 * server on loopback and a real state directory, over a sequence of runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { daysAfter, T0 } from '../lifecycle/sample-findings.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../helpers/smtp-sink.js';
import { mailedPairs, pairKey } from '../e2e-alerts/workspace.js';
import { startHttpReceiver } from '../helpers/http-receiver.js';
import { LIST, owner, ownedFinding, routingRig, SENDER, type RoutingRig } from './routing-run.js';

const alice = owner('u-alice', 'alice@acme.example');
const bob = owner('u-bob', 'Bob.Builder@ACME.Example');
const carol = owner('u-carol', 'carol@gmail.com');
const dave = owner('u-dave', null);
const erin = owner('u-erin', 'erin@acme.example', 'DISABLED');
const frank = owner('u-frank', 'frank@acme.example', 'DELETED');
const mallory = owner('u-mallory', 'x@acme.example, ceo@evil.example');

function tenantFindings() {
  return [
    ownedFinding('a1', alice),
    ownedFinding('a1', alice, 'missing-cidr'),
    ownedFinding('a2', alice),
    ownedFinding('b1', bob),
    ownedFinding('c1', carol),
    ownedFinding('d1', dave),
    ownedFinding('e1', erin),
    ownedFinding('f1', frank),
    ownedFinding('m1', mallory),
    ownedFinding('n1', null),
  ];
}

const pairsOf = (findings: ReturnType<typeof tenantFindings>): string[] => findings.map((f) => pairKey(f.clientId, f.ruleId)).sort();
const ALL = pairsOf(tenantFindings());
const ALICE = pairsOf(tenantFindings().filter((f) => f.owner?.id === alice.id));
const BOB = pairsOf(tenantFindings().filter((f) => f.owner?.id === bob.id));

let sink: SmtpSink;
let rig: RoutingRig;

afterEach(async () => {
  await sink.close();
  await rig.close();
});

function mailsTo(address: string): ReceivedMail[] {
  return sink.received.filter((mail) => mail.envelope.to.map((to) => to.toLowerCase()).includes(address.toLowerCase()));
}

function text(mail: ReceivedMail | undefined): string {
  return mail?.parsed.text ?? '';
}

describe('alerts routed to key owners', () => {
  it('each mailable owner gets one digest of only their keys; the list gets the full digest; nobody else is mailed', async () => {
    sink = await startSmtpSink();
    rig = await routingRig(sink.url());

    const result = await rig.run(tenantFindings(), T0);

    expect(result.error).toBeNull();
    expect(sink.received).toHaveLength(3);
    const [list] = mailsTo(LIST[0]!);
    expect(list?.envelope.to.sort()).toEqual([...LIST].sort());
    expect(mailedPairs(text(list))).toEqual(ALL);
    expect(list?.parsed.subject).toContain(`${ALL.length} credential findings`);

    const toAlice = mailsTo(alice.email!);
    expect(toAlice).toHaveLength(1);
    expect(toAlice[0]!.envelope.to).toEqual([alice.email]);
    expect(toAlice[0]!.envelope.from).toBe(SENDER);
    expect(mailedPairs(text(toAlice[0]))).toEqual(ALICE);
    expect(text(toAlice[0])).toContain('on keys you own in C1 (User u-alice)');

    // Domains compare case-insensitively; the address is used exactly as C1 sent it.
    const toBob = mailsTo(bob.email!);
    expect(toBob).toHaveLength(1);
    expect(mailedPairs(text(toBob[0]))).toEqual(BOB);

    const everyRecipient = sink.received.flatMap((mail) => mail.envelope.to.map((to) => to.toLowerCase())).sort();
    expect(everyRecipient).toEqual([...LIST, alice.email!, bob.email!.toLowerCase()].sort());

    // Those who cannot be mailed are named in warnings; inactive owners are not mailed and need no warning.
    const warned = result.warnings.map((warning) => warning.message);
    expect(warned).toHaveLength(3);
    expect(warned.find((m) => m.includes('u-carol'))).toContain('"gmail.com" is not in alerts.ownerDomains');
    expect(warned.find((m) => m.includes('u-dave'))).toContain('has no e-mail address');
    expect(warned.find((m) => m.includes('u-mallory'))).toContain('white space');
    expect(result.warnings.every((warning) => warning.field === 'owner.email')).toBe(true);
    expect(rig.logs()).toContain('key owner not mailed');

    // The next run at the same time: nothing is due on any channel.
    await rig.run(tenantFindings(), daysAfter(T0, 0, 60_000));
    expect(sink.received).toHaveLength(3);

    // A new finding on Alice's key: Alice and the list hear about it, Bob does not.
    const more = [...tenantFindings(), ownedFinding('a3', alice)];
    await rig.run(more, daysAfter(T0, 1));
    expect(sink.received).toHaveLength(5);
    expect(mailsTo(bob.email!)).toHaveLength(1);
    const newPair = [pairKey(more.at(-1)!.clientId, 'no-expiry')];
    expect(mailedPairs(text(mailsTo(alice.email!)[1]))).toEqual(newPair);
    expect(mailedPairs(text(mailsTo(LIST[0]!)[1]))).toEqual(newPair);
  });

  it('each digest groups by key with its owner, and counts only its own findings below minSeverity', async () => {
    sink = await startSmtpSink();
    rig = await routingRig(sink.url());
    const low = (key: string, who: typeof alice | null, rule: string) => ({ ...ownedFinding(key, who, rule), severity: 'low' as const });
    const findings = [...tenantFindings(), low('a1', alice, 'long-lived'), low('b1', bob, 'long-lived'), low('b2', bob, 'unused'), low('n1', null, 'long-lived')];

    const result = await rig.run(findings, T0);

    expect(result.error).toBeNull();
    const aliceText = text(mailsTo(alice.email!)[0]);
    const bobText = text(mailsTo(bob.email!)[0]);
    const listText = text(mailsTo(LIST[0]!)[0]);
    // Below-threshold findings are never listed, only counted, each digest over its own scope.
    expect(mailedPairs(aliceText)).toEqual(ALICE);
    expect(mailedPairs(bobText)).toEqual(BOB);
    expect(mailedPairs(listText)).toEqual(ALL);
    expect(aliceText).toContain('1 open finding on your keys below medium (alerts.minSeverity) is not listed here');
    expect(bobText).toContain('2 open findings on your keys below medium (alerts.minSeverity) are not listed here');
    expect(listText).toContain('4 open findings below medium (alerts.minSeverity) are not listed here');
    // Alice's key a1 has two due findings: one entry, one owner line, one thing to do.
    expect(aliceText.match(/^== /gm)).toHaveLength(2);
    expect(aliceText.match(/^What to do:/gm)).toHaveLength(2);
    expect(aliceText).toContain('Owner:       User u-alice, alice@acme.example, status ENABLED');
    expect(listText).toContain('Owner:       owner unknown');
  });

  it('a refused owner address is retried next run alone, with the same delivery id; the owner gets it exactly once after recovery', async () => {
    let refuseAlice = true;
    sink = await startSmtpSink({ rejectRecipient: (address) => refuseAlice && address === alice.email });
    rig = await routingRig(sink.url());

    const failed = await rig.run(tenantFindings(), T0);
    expect(failed.error?.message).toContain(`e-mail to key owner ${alice.email}`);
    const aliceOutcome = failed.outcomes.find((outcome) => outcome.id === `owner:${alice.id}`);
    expect(aliceOutcome?.delivered).toBe(false);
    expect(failed.outcomes.filter((outcome) => outcome.delivered).map((outcome) => outcome.id).sort()).toEqual(['email', `owner:${bob.id}`]);
    expect(sink.received).toHaveLength(2);
    expect(mailsTo(alice.email!)).toHaveLength(0);
    const pending = (await rig.state()).channels[`owner:${alice.id}`]?.pending;
    expect(pending?.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(rig.logs()).toContain('alert digest not delivered');

    // Still refused an hour later: retried, nobody else mailed, same delivery id kept.
    const again = await rig.run(tenantFindings(), daysAfter(T0, 0, 3_600_000));
    expect(again.outcomes.map((outcome) => [outcome.id, outcome.delivered])).toEqual([[`owner:${alice.id}`, false]]);
    expect(sink.received).toHaveLength(2);
    expect((await rig.state()).channels[`owner:${alice.id}`]?.pending?.deliveryId).toBe(pending?.deliveryId);

    refuseAlice = false;
    const recovered = await rig.run(tenantFindings(), daysAfter(T0, 0, 7_200_000));
    expect(recovered.error).toBeNull();
    expect(sink.received).toHaveLength(3);
    const toAlice = mailsTo(alice.email!);
    expect(toAlice).toHaveLength(1);
    expect(mailedPairs(text(toAlice[0]))).toEqual(ALICE);
    expect(toAlice[0]!.parsed.headers.get('x-c1-hygiene-delivery')).toBe(pending?.deliveryId);

    await rig.run(tenantFindings(), daysAfter(T0, 0, 10_800_000));
    expect(sink.received).toHaveLength(3);
  });

  it('a message whose content changed before its retry gets a new delivery id', async () => {
    let refuseList = true;
    sink = await startSmtpSink({ rejectRecipient: (address) => refuseList && address === LIST[1] });
    rig = await routingRig(sink.url(), { routeToOwners: false });
    const findings = [ownedFinding('k1', null)];

    await rig.run(findings, T0);
    const first = (await rig.state()).channels.email?.pending?.deliveryId;
    expect(first).toBeDefined();
    refuseList = false;
    await rig.run([...findings, ownedFinding('k2', null)], daysAfter(T0, 0, 60_000));
    const delivered = sink.received.filter((mail) => mail.envelope.to.length === 2);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.parsed.headers.get('x-c1-hygiene-delivery')).not.toBe(first);
    expect((await rig.state()).channels.email?.pending).toBeNull();
  });

  it('failure notices go to the operators\' list only, once per streak', async () => {
    sink = await startSmtpSink();
    rig = await routingRig(sink.url());
    await rig.run(tenantFindings(), T0);
    expect(sink.received).toHaveLength(3);

    const outcomes = await rig.failure(daysAfter(T0, 1));
    expect(outcomes.map((outcome) => [outcome.id, outcome.delivered])).toEqual([['email', true]]);
    expect(sink.received).toHaveLength(4);
    expect(sink.received[3]!.envelope.to.sort()).toEqual([...LIST].sort());
    expect(sink.received[3]!.parsed.subject).toMatch(/audit failed$/);

    expect(await rig.failure(daysAfter(T0, 2))).toEqual([]);
    expect(sink.received).toHaveLength(4);
  });

  it('a dry run previews each owner\'s digest and the full one', async () => {
    sink = await startSmtpSink();
    rig = await routingRig(sink.url());
    const previews = await rig.preview(tenantFindings(), T0);
    expect(previews.map((preview) => preview.id).sort()).toEqual(['email', `owner:${alice.id}`, `owner:${bob.id}`]);
    const forAlice = previews.find((preview) => preview.id === `owner:${alice.id}`);
    expect(forAlice?.wouldSend).toBe(true);
    expect((forAlice?.message as { to: string[] }).to).toEqual([alice.email]);
    expect(mailedPairs((forAlice?.message as { text: string }).text)).toEqual(ALICE);
    expect(sink.connections).toBe(0);
  });

  it('a webhook that fails is retried next run alone, with the same delivery id; e-mail recipients get no repeat', async () => {
    sink = await startSmtpSink();
    const receiver = await startHttpReceiver([{ status: 500, body: 'down' }, { status: 200, body: 'ok' }]);
    try {
      rig = await routingRig(sink.url(), { webhook: { maxRetries: 0 } }, { WEBHOOK_URL: receiver.url });
      const first = await rig.run(tenantFindings(), T0);
      expect(first.outcomes.map((outcome) => [outcome.id, outcome.delivered]).sort()).toEqual(
        [['email', true], ['webhook', false], [`owner:${alice.id}`, true], [`owner:${bob.id}`, true]].sort(),
      );
      expect(first.error?.message).toContain('webhook');
      expect(sink.received).toHaveLength(3);
      expect(receiver.requests).toHaveLength(1);
      const firstId = receiver.requests[0]!.headers['x-c1-hygiene-delivery'];

      const second = await rig.run(tenantFindings(), daysAfter(T0, 0, 60_000));
      expect(second.outcomes.map((outcome) => [outcome.id, outcome.delivered])).toEqual([['webhook', true]]);
      expect(sink.received).toHaveLength(3);
      expect(receiver.requests).toHaveLength(2);
      const retried = receiver.requests[1]!;
      expect(retried.headers['x-c1-hygiene-delivery']).toBe(firstId);
      const body = JSON.parse(retried.text) as { deliveryId: string; due: { fingerprint: string }[] };
      expect(body.deliveryId).toBe(firstId);
      expect(body.due).toHaveLength(tenantFindings().length);

      await rig.run(tenantFindings(), daysAfter(T0, 0, 120_000));
      expect(receiver.requests).toHaveLength(2);
      expect(sink.received).toHaveLength(3);
    } finally {
      await receiver.close();
    }
  });
});
