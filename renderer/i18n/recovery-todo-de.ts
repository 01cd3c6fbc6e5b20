/**
 * Was ein Wiederherstellungsteam bei einem Problem tun soll, auf Deutsch (renderer/recovery/problems.ts hält die
 * englischen Sätze): nach Code, und für einen Anteil, den main selbst von einem Laufwerk oder Token gelesen hat. Ein
 * Code ohne deutschen Satz hier nimmt den allgemeinen (components/errors, todoFor).
 */
import { ownValue } from '../../core/own';

const RECOVERY_TODO_DE: Readonly<Record<string, string>> = {
  SLIP39_WORD: 'Berichtigen Sie das rot markierte Wort (Buchstabe für Buchstabe mit der Papierkopie vergleichen) und drücken Sie dann erneut „Diese Wörter prüfen“.',
  SLIP39_CHECKSUM: 'Vergleichen Sie jedes Wort mit der Papierkopie, beginnend mit dem markierten; drücken Sie dann erneut „Diese Wörter prüfen“.',
  SLIP39_LENGTH: 'Zählen Sie die Wörter auf der Papierkopie (ein Anteil hat 20 oder 33). Ergänzen Sie das fehlende Wort oder entfernen Sie das überzählige und prüfen Sie erneut.',
  SLIP39_PADDING: 'Vergleichen Sie jedes Wort mit der Papierkopie; stimmen alle überein, wurde dieser Anteil von fehlerhafter Software erzeugt: Verwenden Sie den Anteil eines anderen Verwahrers.',
  SLIP39_PARAMETERS: 'Legen Sie diesen Anteil beiseite und fahren Sie mit den Anteilen der anderen Verwahrer fort.',
  SLIP39_DIGEST: 'Ein vorliegender Anteil ist beschädigt oder stammt aus einer anderen Sicherung. Beginnen Sie neu und versuchen Sie die Anteile anderer Verwahrer.',
  SHARES_MISMATCH: 'Halten Sie ihn von den Anteilen dieser Zeremonie getrennt, fahren Sie mit dem nächsten Verwahrer fort und sagen Sie dem Zeremonieleiter, woher er stammt.',
  BAG_SERIAL_MISMATCH: 'Lesen Sie die Seriennummer auf dem Beutel erneut laut vor, tippen Sie sie oben neu und geben Sie denselben Anteil erneut. Trägt der Beutel wirklich eine andere Nummer, legen Sie diesen Anteil beiseite (er wurde nicht verwendet), vermerken Sie es im Wiederherstellungsprotokoll und sagen Sie es dem Zeremonieleiter.',
  BAG_SERIAL_NEEDED: 'Tippen Sie oben die Seriennummer des Beutels, aus dem dieser Anteil kam, und geben Sie denselben Anteil erneut.',
  BAG_SERIAL_INVALID: 'Tippen Sie die auf den Beutel gedruckte Seriennummer oben neu (Buchstaben und Ziffern) und geben Sie denselben Anteil erneut.',
  DUPLICATE_SHARE: 'Legen Sie beide Anteile beiseite und fragen Sie den Zeremonieleiter: Einer von beiden ist nicht, was er zu sein vorgibt.',
  BELOW_THRESHOLD: 'Geben Sie die noch fehlenden Anteile (siehe „Fortschritt“) und drücken Sie dann erneut „Schlüssel wiederherstellen“.',
  SECRET_LENGTH: 'Legen Sie diesen Anteil beiseite und fahren Sie mit den Anteilen der anderen Verwahrer fort.',
  VSS_SHARE_INVALID: 'Verwenden Sie diesen Anteil nicht. Bitten Sie seinen Verwahrer um eine andere Kopie (Papier oder Datei) und geben Sie diese.',
  ENVELOPE_DECRYPT: 'Wählen Sie die eigene Schlüsseldatei dieses Verwahrers (und tippen Sie ihre Passphrase, falls sie eine hat) und öffnen Sie die Datei erneut.',
  ENVELOPE_FORMAT: 'Prüfen Sie, ob dies ein keyshard-Anteil dieser Zeremonie ist. Wenn ja, verwenden Sie stattdessen seine Papierkopie (die Wörter).',
  INVALID_HEX: 'Tippen Sie ihn genau so, wie das Papierprotokoll ihn zeigt: die Ziffern 0–9 und die Buchstaben A–F (Leerzeichen sind erlaubt).',
  RECOVERY_STATE: 'Beginnen Sie die Wiederherstellung erneut mit ihrem ersten Schritt.',
  RECOVERY_UNVERIFIED: 'Beginnen Sie die Wiederherstellung neu und tippen Sie den Fingerabdruck oder den End-Hash des Transkripts aus dem Papierprotokoll: Nur ein geprüfter Schlüssel kommt in ein Token.',
  FINAL_HASH_MISMATCH: 'Vergleichen Sie den getippten End-Hash Gruppe für Gruppe mit dem Papierprotokoll. Stimmt er, ist dies nicht das versiegelte Transkript der Zeremonie: Laden Sie das Original vom USB-Stick der Zeremonie.',
  TRANSCRIPT_TAMPERED: 'Verwenden Sie diese Datei nicht. Laden Sie das Original-Transkript vom USB-Stick der Zeremonie, oder tippen Sie stattdessen den Fingerabdruck aus dem Papierprotokoll.',
  TRANSCRIPT_SIGNATURE: 'Verwenden Sie diese Datei nicht. Laden Sie das Original-Transkript vom USB-Stick der Zeremonie, oder tippen Sie stattdessen den Fingerabdruck aus dem Papierprotokoll.',
  TRANSCRIPT_FORMAT: 'Wählen Sie die Transkriptdatei, die keyshard für diese Zeremonie geschrieben hat (transcript.json auf dem USB-Stick der Zeremonie), oder überspringen Sie diesen Schritt.',
  FILE_EXISTS: 'Wählen Sie den Ort erneut und geben Sie der Datei einen neuen Namen; es wurde nichts gespeichert.',
  FILE_NOT_CHOSEN: 'Drücken Sie „Speicherort wählen“, benennen Sie die Datei im Dialog und drücken Sie dann erneut „Verschlüsseln und speichern“; es wurde nichts gespeichert.',
  USB_NO_SPACE: 'Wählen Sie ein anderes Laufwerk oder einen Ordner mit freiem Platz; es wurde nichts gespeichert.',
  USB_READ_ONLY: 'Wählen Sie ein beschreibbares Laufwerk (prüfen Sie seinen Schreibschutzschalter); es wurde nichts gespeichert.',
  USB_REMOVED: 'Stecken Sie das Laufwerk wieder ein und speichern Sie erneut; es wurde nichts gespeichert.',
};

const DEVICE_SHARD_TODO_DE: Readonly<Record<string, string>> = {
  HSM_PIN_INCORRECT: 'Der Verwahrer tippt die PIN erneut, sorgfältig (Feststelltaste, Tastaturbelegung): Ein Token sperrt sich nach wenigen Fehlversuchen.',
  HSM_PIN_LOCKED: 'Dieses Token ist gesperrt. Sein Sicherheitsbeauftragter muss es mit dem eigenen Werkzeug des Tokens entsperren (Benutzer-PIN zurücksetzen); fahren Sie inzwischen mit dem Anteil eines anderen Verwahrers fort.',
  HSM_TOKEN_ABSENT: 'Stecken Sie das Token ein (dasselbe), drücken Sie „Erneut suchen“, wählen Sie es und lesen Sie es erneut.',
  HSM_OBJECT_NOT_FOUND: 'Stecken Sie das eigene Token dieses Verwahrers für diese Zeremonie ein, oder fahren Sie mit einem anderen Verwahrer fort.',
  HSM_SHARD_EXISTS: 'Wählen Sie in der Liste unter dem Token, welche Zeremonie wiederhergestellt werden soll, und tippen Sie die PIN erneut.',
  HSM_MODULE: 'Wählen Sie oben das PKCS#11-Modul der Token der Verwahrer (zum Beispiel SoftHSM2 oder OpenSC) und versuchen Sie es erneut.',
  HSM_MECHANISM: 'Dieses Token kann diesen Anteil nicht öffnen. Verwenden Sie das eigene Token des Verwahrers, für das der Anteil versiegelt wurde.',
  USB_REMOVED: 'Stecken Sie das Laufwerk wieder ein, drücken Sie „Laufwerke erneut auflisten“, wählen Sie es und öffnen Sie die Datei erneut.',
  USB_VERIFY: 'Legen Sie diese Datei beiseite und verwenden Sie eine andere Kopie des Anteils dieses Verwahrers (seine Papierkopie oder ein anderes Laufwerk); sagen Sie es dem Zeremonieleiter.',
  USB_READ_ONLY: 'keyshard konnte das Laufwerk nicht lesen. Ziehen Sie es ab, stecken Sie es wieder ein und listen Sie die Laufwerke erneut auf; schlägt es weiter fehl, verwenden Sie eine andere Kopie des Anteils.',
  ENVELOPE_CHECKSUM: 'Diese Datei ist beschädigt. Verwenden Sie eine andere Kopie des Anteils dieses Verwahrers (seine Papierkopie oder ein anderes Laufwerk).',
};

/** The German "what to do" for a recovery problem, or undefined (then the app-wide German todo is used). */
export function recoveryTodoDe(code: string): string | undefined {
  return ownValue(RECOVERY_TODO_DE, code);
}

/** For a shard main read from a drive or token: the German next step, or undefined. */
export function deviceShardTodoDe(code: string): string | undefined {
  return ownValue(DEVICE_SHARD_TODO_DE, code);
}

export const DAMAGED_COPY_DE =
  'Verwenden Sie diese Kopie nicht: Sie hat sich seit dem Schreiben verändert. Verwenden Sie eine andere Kopie des Anteils dieses Verwahrers (seine Papierkopie oder ein anderes Laufwerk) und sagen Sie es dem Zeremonieleiter.';
export const OWN_TOKEN_DE = 'Wählen Sie das eigene Token dieses Verwahrers (für das die Datei versiegelt wurde), tippen Sie seine PIN und öffnen Sie die Datei erneut.';
