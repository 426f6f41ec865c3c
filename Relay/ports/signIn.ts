/**
 * The Partner Center sign-in the relay uses (the Referrals-admin account's refresh token, stored by
 * `cosell login partner-center`): who signed in and until when the stored token stays valid.
 */
export interface SignInStatus {
  /** The signed-in account (user principal name). */
  username: string;
  signedInAt: Date;
  /** When the stored refresh token expires unless it is used (and so renewed) before. */
  expiresAt: Date;
}

export interface SignInStatusReader {
  /** null when nobody signed in (or the store is unreadable). */
  read(): Promise<SignInStatus | null>;
}
