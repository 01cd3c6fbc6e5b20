/**
 * The key ceremony's words in German, beside the English ones in key-ceremony.ts. Typed against that catalogue: a
 * step or a record kind added there without its German words here fails the typecheck, and so does a checkpoint or
 * hint the English has and the German lacks. Record kinds themselves never change (transcripts hold them).
 */
import type { KEY_CEREMONY } from './key-ceremony';

type Kind = typeof KEY_CEREMONY;
type Step = Kind['steps'][number];
type AnyRecord = Step['records'][number] | Kind['entries'][number];

/** The German words of one step; `readAloud` is null exactly where the English one is. */
export type StepWords<S extends Step> = {
  readonly screen: string;
  readonly paper: string;
  readonly does: string;
  readonly readAloud: S['readAloud'] extends null ? null : string;
};

/** The German words of one record kind: a checkpoint, a hint and a retry's words exactly where the English has them. */
export type RecordWords<R extends AnyRecord> = { readonly transcript: string } & (R extends { readonly checkpoint: string }
  ? { readonly checkpoint: string }
  : unknown) &
  (R extends { readonly hint: string } ? { readonly hint: string } : unknown) &
  (R extends { readonly repeatWhenFailed: string } ? { readonly repeatWhenFailed: string } : unknown) &
  (R extends { readonly transcriptWithoutBag: string } ? { readonly transcriptWithoutBag: string } : unknown);

export interface KindWords {
  readonly title: string;
  readonly steps: { readonly [S in Step as S['id']]: StepWords<S> };
  readonly records: { readonly [R in AnyRecord as R['kind']]: RecordWords<R> };
}

// Declared first and typed below: a step missing here fails the typecheck, while one whose English is not yet
// committed beside it does not (several people add steps at once).
const WORDS = {
  title: 'Schlüsselzeremonie',
  steps: {
    devices: {
      screen: 'Geräte',
      paper: 'Token prüfen',
      does: 'Die Verwahrer übergeben ihre Token; der Administrator wählt jeden aus und prüft, dass er antwortet und keine Anteile enthält.',
      readAloud: 'Bezeichnung und Seriennummer jedes Tokens.',
    },
    'witness-keys': {
      screen: 'Zeugenschlüssel',
      paper: 'Signaturschlüssel der Zeugen laden',
      does: 'Jeder Zeuge lädt seinen eigenen Signaturschlüssel (Schlüsseldatei und Passphrase oder Token und PIN).',
      readAloud: 'Der Anfang des öffentlichen Schlüssels jedes Zeugen.',
    },
    plan: {
      screen: 'Start',
      paper: 'Plan vorlesen und Zeremonie starten',
      does: 'Der Administrator liest den Plan und seine Koalitionswarnungen mit allen durch und startet dann die Zeremonie: Der Plan wird mit den festgelegten Zeugenschlüsseln aufgezeichnet.',
      readAloud: 'Die Bezeichnung des Plans, seine Verwahrer und jede Koalitionswarnung.',
    },
    airgap: {
      screen: 'Air-Gap-Prüfung',
      paper: 'Air Gap prüfen',
      does: 'keyshard listet die Netzwerkschnittstellen auf: Nur Loopback darf aktiv sein. Ist eine aktiv, deaktivieren Sie sie und prüfen Sie erneut, oder ein Zeuge übergeht die Prüfung mit Begründung.',
      readAloud: 'Das Ergebnis: kein Netzwerk oder die gefundenen aktiven Schnittstellen; der Hash des Betriebssystem-Images, wenn der Administrator ihn eingegeben hat.',
    },
    entropy: {
      screen: 'Entropie',
      paper: 'Entropie sammeln',
      does: 'Der Administrator sammelt Zufall aus den geplanten Quellen (Computer, Token, Würfel).',
      readAloud: 'Die verwendeten Quellen (nie die Werte).',
    },
    generate: {
      screen: 'Erzeugen',
      paper: 'Geheimnis erzeugen',
      does: 'keyshard erzeugt das neue Geheimnis ({secret}) im Speicher und zeigt seinen Fingerabdruck.',
      readAloud: 'Der Fingerabdruck, Gruppe für Gruppe.',
    },
    import: {
      screen: 'Importieren',
      paper: 'Geheimnis importieren',
      does: 'Der Administrator importiert das Geheimnis ({secret}); keyshard zeigt seinen Fingerabdruck.',
      readAloud: 'Der Fingerabdruck, Gruppe für Gruppe.',
    },
    split: {
      screen: 'Aufteilen',
      paper: 'Geheimnis aufteilen',
      does: 'keyshard teilt das Geheimnis so in Anteile auf, wie der Plan es vorsieht.',
      readAloud: 'Noch einmal der Fingerabdruck: Er muss der zuvor vorgelesene sein.',
    },
    handoff: {
      screen: 'Übergabe und Bestätigung',
      paper: 'Anteil übergeben und bestätigen',
      does: 'Der Verwahrer erhält seinen Anteil, während die anderen wegsehen, und weist dann nach, dass er ihn hat (tippt oder scannt ihn zurück oder entsperrt seinen Token).',
      readAloud: 'Der Name des Verwahrers, die Seriennummer des Beutels, in den sein Anteil kommt, und wie der Anteil geprüft wurde.',
    },
    receipt: {
      screen: 'Empfang & Beutel',
      paper: 'Anteil empfangen und versiegeln',
      does: 'Der Verwahrer legt seinen Anteil (Papier, Laufwerk oder Token) in seinen manipulationssicheren Beutel und versiegelt ihn; die Beutelnummer wird vom versiegelten Beutel erneut eingegeben, und der Verwahrer unterschreibt die Empfangszeile seines Papiers.',
      readAloud: 'Die Nummer des versiegelten Beutels.',
    },
    'test-recovery': {
      screen: 'Test-Wiederherstellung',
      paper: 'Wiederherstellung testen',
      does: 'Ein Quorum von Verwahrern gibt seine Anteile zurück; keyshard stellt das Geheimnis wieder her und vergleicht den Fingerabdruck.',
      readAloud: 'Der wiederhergestellte Fingerabdruck: Er muss der zuvor vorgelesene sein.',
    },
    destroy: {
      screen: 'Vernichten',
      paper: 'Geheimnis vernichten',
      does: 'keyshard löscht das Geheimnis und jeden Anteil aus dem Speicher dieses Computers.',
      readAloud: null,
    },
    seal: {
      screen: 'Versiegeln',
      paper: 'Transkript versiegeln',
      does: 'Das Transkript wird versiegelt; alle schreiben seinen End-Hash auf und unterschreiben das Papierprotokoll.',
      readAloud: 'Der End-Hash des Transkripts, Gruppe für Gruppe.',
    },
  },
  records: {
    'token-check': { transcript: 'Token vor dem Start geprüft' },
    plan: {
      transcript: 'Plan aufgezeichnet, Zeremonie gestartet',
      checkpoint: 'den Plan',
      hint: 'Lesen Sie den Plan und seine Koalitionswarnungen mit den Zeugen durch und starten Sie dann die Zeremonie.',
    },
    'airgap-check': {
      transcript: 'Air-Gap-Prüfung',
      checkpoint: 'die Air-Gap-Prüfung',
      hint: 'Prüfen Sie den Air Gap: Außer Loopback darf keine Netzwerkschnittstelle aktiv sein.',
      repeatWhenFailed:
        'Die Air-Gap-Prüfung ist fehlgeschlagen: Deaktivieren Sie jede Netzwerkschnittstelle und prüfen Sie erneut, oder ein Zeuge übergeht die Prüfung.',
    },
    entropy: { transcript: 'Entropie gesammelt', checkpoint: 'die Entropie', hint: 'Sammeln Sie Entropie aus den geplanten Quellen.' },
    'token-random': { transcript: 'Zufallsbytes von einem Token' },
    generate: {
      transcript: 'Geheimnis erzeugt',
      checkpoint: 'den Fingerabdruck des neuen Geheimnisses',
      hint: 'Erzeugen Sie das neue Geheimnis ({secret}) und lesen Sie seinen Fingerabdruck vor.',
    },
    import: {
      transcript: 'Geheimnis importiert',
      checkpoint: 'den Fingerabdruck des importierten Geheimnisses',
      hint: 'Importieren Sie das vorhandene Geheimnis und lesen Sie seinen Fingerabdruck vor.',
    },
    split: {
      transcript: 'Geheimnis in Anteile aufgeteilt',
      checkpoint: 'die Aufteilung',
      hint: 'Teilen Sie das Geheimnis in Anteile auf und lesen Sie den Fingerabdruck noch einmal vor.',
    },
    handoff: { transcript: 'Anteil übergeben', checkpoint: 'eine Übergabe', hint: 'Übergeben Sie {custodian} den Anteil ({medium}).' },
    'token-store': { transcript: 'Anteil auf einem Token gespeichert' },
    confirm: { transcript: 'Verwahrer hat seinen Anteil bestätigt', checkpoint: 'eine Bestätigung', hint: 'Lassen Sie {custodian} den Anteil bestätigen ({methods}).' },
    'token-read-back': { transcript: 'Anteil von einem Token zurückgelesen' },
    receipt: { transcript: 'Anteil empfangen und im Beutel versiegelt', transcriptWithoutBag: 'Anteil empfangen; kein Beutel erfasst, also nichts versiegelt' },
    'test-recovery': {
      transcript: 'Test-Wiederherstellung',
      checkpoint: 'die Test-Wiederherstellung',
      hint: 'Stellen Sie das Geheimnis aus einem Quorum von Anteilen wieder her und vergleichen Sie den Fingerabdruck.',
      repeatWhenFailed: 'Die Test-Wiederherstellung ergab einen anderen Fingerabdruck: Versuchen Sie es erneut mit einem Quorum, oder brechen Sie ab.',
    },
    destroy: {
      transcript: 'Geheimnis im Speicher vernichtet',
      checkpoint: 'die Vernichtung des Geheimnisses',
      hint: 'Vernichten Sie das Geheimnis und jede Kopie der Anteile im Speicher dieses Computers.',
    },
    seal: { transcript: 'Transkript versiegelt', checkpoint: 'das Siegel', hint: 'Versiegeln Sie das Zeremonie-Transkript.' },
    'sign-off': { transcript: 'Freigabe durch Zeugen' },
    signoff: { transcript: 'Signatur eines Zeugen' },
    abort: { transcript: 'Zeremonie abgebrochen' },
  },
};

export const KEY_CEREMONY_DE: KindWords = WORDS;
