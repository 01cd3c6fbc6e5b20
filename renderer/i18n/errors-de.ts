/**
 * German words for the error codes the screens show. Main's KeyshardError messages are English and often name a
 * detail (which word, which line); in German the screen says what the code means and what it implies, and the code
 * stays in the support line. Every code has German words (the type asks for each, so a new code fails the typecheck
 * until it has them).
 * Messages never quote input: these are fixed texts.
 */
import type { KeyshardErrorCode } from '../../core/errors';
import { ownValue } from '../../core/own';

const MESSAGES: { readonly [C in KeyshardErrorCode]: string } = {
  INVALID_ARGUMENT: 'Die Eingabe passt nicht zu dem, was dieser Schritt erwartet.',
  INVALID_HEX: 'Der Text ist keine gültige Hex-Zeichenfolge (nur 0–9 und a–f).',
  READ_ALOUD_WORD: 'Ein Wort gehört nicht zur Wortliste zum Vorlesen. Prüfen Sie die Schreibweise am Papier.',
  READ_ALOUD_LENGTH: 'Die Anzahl der Wörter stimmt nicht: Es sind 20 Wörter.',
  READ_ALOUD_CHECKSUM: 'Die Wörter passen nicht zusammen: Mindestens eines ist falsch abgeschrieben.',
  PAPER_LINE_CHECK: 'Eine Zeile des Anteils passt nicht zu ihren Prüfzeichen: In dieser Zeile ist ein Tippfehler.',
  SLIP39_WORD: 'Ein Wort gehört nicht zur SLIP-39-Wortliste. Prüfen Sie die Schreibweise am Papier.',
  SLIP39_LENGTH: 'Die Anzahl der Wörter passt zu keinem SLIP-39-Anteil.',
  SLIP39_CHECKSUM: 'Die Prüfsumme der Wörter stimmt nicht: Mindestens ein Wort ist falsch oder vertauscht.',
  SLIP39_PADDING: 'Die Wörter ergeben keinen gültigen SLIP-39-Anteil.',
  SLIP39_PARAMETERS: 'Die Angaben dieses Anteils (Gruppe, Schwellenwert) passen nicht zusammen.',
  SLIP39_DIGEST: 'Die Anteile ergeben zusammen kein gültiges Geheimnis: Einer gehört nicht dazu oder ist falsch.',
  SHARES_MISMATCH: 'Dieser Anteil gehört zu einer anderen Zeremonie oder einem anderen Geheimnis als die übrigen.',
  DUPLICATE_SHARE: 'Dieser Anteil wurde bereits gegeben.',
  BELOW_THRESHOLD: 'Es sind noch nicht genug Anteile für den Schwellenwert beisammen.',
  SECRET_LENGTH: 'Das Geheimnis hat nicht die Länge, die der Plan angibt.',
  SLIP39_SLOW_KDF: 'Diese Anteile verlangen eine weit aufwendigere Schlüsselableitung, als keyshard schreibt.',
  KDF_CANCELLED: 'Die Schlüsselableitung wurde abgebrochen.',
  FINGERPRINT_MISMATCH: 'Der Fingerabdruck des wiederhergestellten Schlüssels stimmt nicht mit dem erwarteten überein.',
  VSS_SHARE_INVALID: 'Dieser Anteil passt nicht zu den veröffentlichten Commitments: Er ist falsch oder verändert.',
  VSS_COMMITMENT: 'Die Commitments dieses Anteils passen nicht zu denen der übrigen.',
  VSS_NO_COMMITMENTS: 'Diesem Anteil fehlen die Commitments, gegen die er geprüft wird.',
  VSS_CIPHERSUITE: 'Dieser Anteil verwendet ein Verfahren, das keyshard nicht kennt.',
  ENVELOPE_FORMAT: 'Dies ist kein keyshard-Anteil, oder er ist unvollständig abgeschrieben.',
  ENVELOPE_VERSION: 'Dieser Anteil stammt von einer neueren keyshard-Version.',
  ENVELOPE_CHECKSUM: 'Die Prüfsumme des Anteils stimmt nicht: Er ist beschädigt oder falsch abgeschrieben.',
  ENVELOPE_TRUNCATED: 'Der Anteil ist gekürzt: Ein Teil fehlt.',
  ENVELOPE_DECRYPT: 'Der Anteil ließ sich nicht entschlüsseln: falscher Schlüssel, falsche Passphrase oder beschädigte Datei.',
  ENVELOPE_TOO_LARGE: 'Diese Datei ist größer als jeder Anteil, den keyshard schreibt.',
  QR_INCOMPLETE: 'Der QR-Code ist noch nicht vollständig gelesen.',
  QR_FORMAT: 'Dieser QR-Code ist kein keyshard-Anteil.',
  QR_MISMATCH: 'Die Kamera hat Teile verschiedener Anteile gesehen.',
  POLICY_INVALID: 'Der Plan ist so nicht gültig.',
  CEREMONY_TRANSITION: 'Dieser Schritt ist jetzt nicht an der Reihe.',
  TRANSCRIPT_TAMPERED: 'Das Transkript wurde nach dem Schreiben verändert.',
  TRANSCRIPT_SIGNATURE: 'Eine Zeugensignatur im Transkript ist ungültig.',
  TRANSCRIPT_FORMAT: 'Die Datei ist kein keyshard-Transkript in der erwarteten Form.',
  TRANSCRIPT_READ: 'Das Transkript ließ sich nicht lesen.',
  TRANSCRIPT_WRITE: 'Das Transkript ließ sich nicht schreiben.',
  TRANSCRIPT_UNSEALED: 'Das Transkript ist nicht versiegelt.',
  FINAL_HASH_MISMATCH: 'Der End-Hash des Transkripts stimmt nicht mit dem eingegebenen überein.',
  RECOVERY_UNVERIFIED: 'Die Wiederherstellung ist nicht bestätigt: Nichts, was das Team getrennt von den Anteilen verwahrt, bürgt für sie.',
  RECOVERY_STATE: 'Dieser Schritt der Wiederherstellung ist jetzt nicht möglich.',
  HSM_PIN_INCORRECT: 'Die PIN ist falsch.',
  HSM_PIN_LOCKED: 'Die PIN des Tokens ist gesperrt.',
  HSM_TOKEN_ABSENT: 'Der Token ist nicht (mehr) angeschlossen.',
  HSM_TOKEN_FULL: 'Auf dem Token ist kein Platz mehr.',
  HSM_MODULE: 'Das PKCS#11-Modul ließ sich nicht laden.',
  HSM_MECHANISM: 'Der Token beherrscht ein benötigtes Verfahren nicht.',
  HSM_VERIFY: 'Das Zurücklesen vom Token ergab nicht das Geschriebene.',
  HSM_SHARD_EXISTS: 'Auf dem Token liegt bereits ein Anteil.',
  HSM_OBJECT_NOT_FOUND: 'Auf dem Token wurde kein Anteil gefunden.',
  USB_NO_SPACE: 'Auf dem USB-Laufwerk ist kein Platz mehr.',
  USB_REMOVED: 'Das USB-Laufwerk wurde entfernt.',
  USB_READ_ONLY: 'Das USB-Laufwerk ist schreibgeschützt.',
  USB_VERIFY: 'Das Zurücklesen vom USB-Laufwerk ergab nicht das Geschriebene.',
  USB_FOREIGN_SHARD: 'Auf dem USB-Laufwerk liegt ein Anteil, der nicht zu diesem Verwahrer gehört.',
  AIRGAP_NETWORK_UP: 'Eine Netzwerkschnittstelle ist aktiv.',
  CONFIRM_MISMATCH: 'Der zurückgegebene Anteil stimmt nicht mit dem übergebenen überein.',
  WITNESS_KEY: 'Der Schlüssel des Zeugen ist nicht verwendbar.',
  WITNESS_NOT_ELIGIBLE: 'Dieser Zeuge darf diesen Schritt nicht freigeben.',
  WITNESS_ACT_NEEDED: 'Der Zeuge muss selbst bestätigen (Passphrase oder PIN).',
  WITNESS_PASSPHRASE: 'Die Passphrase der Schlüsseldatei ist falsch.',
  WITNESS_FINGERPRINT: 'Der Schlüssel hat nicht den im Plan festgelegten Fingerabdruck.',
  WITNESS_KEY_UNENCRYPTED: 'Die Schlüsseldatei ist nicht verschlüsselt.',
  SECRET_DESTROYED: 'Das Geheimnis ist bereits vernichtet.',
  CEREMONY_SECRET_LOST: 'Das Geheimnis ist nicht mehr im Speicher (die App wurde neu gestartet).',
  ENTROPY_SOURCE: 'Eine Entropiequelle hat nicht geliefert.',
  FOLDER_REFUSED: 'Dieser Ordner kann nicht verwendet werden.',
  FILE_TOO_LARGE: 'Die Datei ist zu groß für eine Datei dieser Art.',
  FILE_NOT_REGULAR: 'Das ist keine normale Datei.',
  FILE_LINK: 'Das ist eine Verknüpfung, nicht die Datei selbst.',
  FILE_READ: 'Die Datei ließ sich nicht lesen.',
  FILE_NOT_FOUND: 'Die Datei wurde nicht gefunden.',
  FILE_NOT_CHOSEN: 'Diese Datei wurde nicht im Dateidialog von keyshard gewählt. Wählen Sie sie dort noch einmal.',
  FILE_EXISTS: 'Dort liegt bereits eine Datei mit diesem Namen; sie wird nicht überschrieben.',
  FILE_WRITE: 'Die Datei ließ sich nicht schreiben.',
  DISK_FULL: 'Auf dem Laufwerk ist kein Platz mehr.',
  FOLDER_NOT_WRITABLE: 'In diesen Ordner kann nicht geschrieben werden.',
  INPUT_TOO_LARGE: 'Die Eingabe ist zu groß.',
  INTERNAL: 'Etwas Unerwartetes ist schiefgegangen. Es wurde nichts gespeichert oder gesendet.',
  BAG_SERIAL_INVALID: 'Eine Beutel-Seriennummer hat 4 bis 24 Buchstaben und Ziffern. Geben Sie die Seriennummer vom Beutel erneut ein.',
  BAG_SERIAL_MISMATCH:
    'Die eingegebene Beutel-Seriennummer ist nicht die bei der Zeremonie erfasste. Lesen Sie die Seriennummer auf dem Beutel erneut und geben Sie sie noch einmal ein; trägt der Beutel wirklich eine andere, öffnen Sie ihn nicht und melden Sie es dem Zeremonieleiter.',
  BAG_SERIAL_NEEDED: 'Dieser Anteil wurde bei der Übergabe für einen Beutel erfasst. Geben Sie die Seriennummer vom versiegelten Beutel ein, laut vorgelesen, und erfassen Sie die Quittung erneut.',
  RECEIPT_NEEDED:
    'Die Quittung eines Verwahrers fehlt noch. Erfassen Sie zuerst seine Quittung (Anteil im Beutel versiegelt, Seriennummer erneut eingegeben); ist er gegangen, hält ein Zeuge ihn bei der Quittung als abwesend fest.',
  CUSTODY_MISMATCH: 'Dieser Anteil passt nicht zu dem, was das Transkript für ihn festhält. Legen Sie ihn beiseite, melden Sie es dem Zeremonieleiter und verwenden Sie ihn nicht, bis es geklärt ist.',
  CUSTODY_NOT_RECORDED: 'Das Transkript hält diesen Anteil nicht fest. Prüfen Sie ihn gegen das Transkript seiner eigenen Zeremonie.',
  CUSTODY_OTHER_CEREMONY: 'Dieser Anteil stammt aus einer anderen Zeremonie als das Transkript. Prüfen Sie ihn gegen das Transkript seiner eigenen Zeremonie.',
  EXCEPTION_NEEDED: 'Dieser Schritt weicht vom Plan ab. Geben Sie vor dem Weitergehen den Grund ein und lassen Sie einen Zeugen die Ausnahme signieren; sie wird im Transkript festgehalten.',
  FROST_COMMITMENT: 'Die Anteile der Unterzeichner gehören zu einem anderen Schlüssel als dem im Transkript. Verwenden Sie das Transkript der Zeremonie, die diese Anteile ausgegeben (oder zuletzt erneuert) hat.',
  FROST_NONCE_USED: 'Diese Nonces wurden schon für einen Signaturanteil verwendet; eine Nonce wird nie zweimal verwendet. Erzeugen Sie ein neues Commitment und bitten Sie den Koordinator um eine neue Anfrage.',
  FROST_SHARE_INVALID: 'Ein Signaturanteil stammt von einem Unterzeichner, der nicht in der Signieranfrage steht, oder passt nicht zu ihr. Verwenden Sie nur Anteile, die für diese Anfrage erstellt wurden.',
  FROST_SIGNATURE: 'Die Signatur lässt sich mit dem öffentlichen Gruppenschlüssel nicht prüfen. Verwenden Sie sie nicht.',
  IPC_SENDER_REFUSED: 'Diese Anfrage kam nicht aus dem keyshard-Fenster und wurde abgelehnt.',
  OUTPUT_CLOSED: 'Das Programm, das die Ausgabe von keyshard las, hat vor dem Ende aufgehört; die Ausgabe ist unvollständig.',
  OUTPUT_FAILED: 'Die Ausgabe von keyshard konnte nicht geschrieben werden; sie ist unvollständig.',
  SLIP39_NOT_EXTENDABLE:
    'Diese Sicherung wurde ohne das SLIP-39-Merkmal „erweiterbar“ erstellt; keyshard fügt ihr keine Anteile hinzu. Stellen Sie das Geheimnis in einer Zeremonie wieder her und teilen Sie es erneut als erweiterbare Sicherung auf.',
};

/** The German message for a code, or undefined (then the screen keeps main's English message). */
export function germanMessage(code: string): string | undefined {
  return ownValue(MESSAGES as Readonly<Record<string, string>>, code);
}

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined);

/**
 * The German message with the detail main's English one names: which word (SLIP-39), which line (paper lines) - only
 * numbers from the error's details, never its text (which may hold what was typed). Without them, germanMessage.
 */
export function germanMessageWith(code: string, details: unknown): string | undefined {
  const d = (typeof details === 'object' && details !== null ? details : {}) as Readonly<Record<string, unknown>>;
  if (code === 'SLIP39_WORD') {
    const position = count(d['position']);
    const others = Array.isArray(d['unknownWords']) ? d['unknownWords'].length - 1 : 0;
    if (position !== undefined) {
      const more = others === 1 ? ' Ein weiteres Wort dieses Anteils steht auch nicht in der Liste.' : others > 1 ? ` ${others} weitere Wörter dieses Anteils stehen auch nicht in der Liste.` : '';
      return `Wort ${position} ist kein SLIP-39-Wort. Prüfen Sie die Schreibweise am Papier.${more}`;
    }
  }
  if (code === 'SLIP39_CHECKSUM') {
    const suspect = count(d['suspectPosition']);
    if (suspect !== undefined) return `${MESSAGES.SLIP39_CHECKSUM ?? ''} Ist nur ein Wort falsch, dann Wort ${suspect}.`.trim();
  }
  if (code === 'PAPER_LINE_CHECK' && Array.isArray(d['lines'])) {
    const lines = d['lines'].map(count).filter((n): n is number => n !== undefined);
    if (lines.length === 1) return `Zeile ${lines[0]} passt nicht zu ihren Prüfzeichen (den zwei nach „/“): In ihr ist ein Zeichen vertippt, oder Zeilen sind vertauscht. Vergleichen Sie diese Zeile mit dem Papier.`;
    if (lines.length > 1) return `Die Zeilen ${lines.join(', ')} passen nicht zu ihren Prüfzeichen (den zwei nach „/“): In ihnen ist ein Zeichen vertippt, oder Zeilen sind vertauscht. Vergleichen Sie diese Zeilen mit dem Papier.`;
  }
  return germanMessage(code);
}
