/**
 * IAM's name and value rules (../shared/AWS-NOTES.md), checked locally so bad input fails with exit 2
 * before any AWS call. Each function returns an error sentence, or undefined when the value is valid.
 */

const IAM_NAME = /^[\w+=,.@-]+$/;

export function checkAccountAlias(alias: string): string | undefined {
  if (alias.length < 3 || alias.length > 63) return 'must be 3 to 63 characters long';
  if (/^\d{12}$/.test(alias)) return 'must not be a 12-digit number (it would look like an account id)';
  if (!/^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(alias)) {
    return 'may contain only lowercase letters, digits and single hyphens, and must start and end with a letter or digit';
  }
  return undefined;
}

/** IAM's name rule (users, groups, roles, MFA devices): 1 to `max` of letters, digits and + = , . @ _ -. */
function iamName(max: number): (name: string) => string | undefined {
  return (name) => {
    if (name.length < 1 || name.length > max) return `must be 1 to ${max} characters long`;
    if (!IAM_NAME.test(name)) return 'may contain only letters, digits and + = , . @ _ -';
    return undefined;
  };
}

export const checkUserName = iamName(64);
export const checkGroupName = iamName(128);
export const checkRoleName = iamName(64);
export const checkMfaDeviceName = iamName(226);

/** arn:partition:iam::(account|aws):policy/[path/]name */
export function checkPolicyArn(arn: string): string | undefined {
  if (!/^arn:aws(-cn|-us-gov|-iso|-iso-b)?:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/.test(arn)) {
    return 'must be an IAM policy ARN: arn:<partition>:iam::aws:policy/<name> (AWS managed) or arn:<partition>:iam::<account>:policy/<name>';
  }
  return undefined;
}

export interface Tag {
  Key: string;
  Value: string;
}

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function parseTag(text: string): Tag | string {
  const eq = text.indexOf('=');
  if (eq <= 0) return 'must look like key=value';
  const Key = text.slice(0, eq);
  const Value = text.slice(eq + 1);
  if (Key.length > 128) return 'key must be at most 128 characters';
  if (Value.length > 256) return 'value must be at most 256 characters';
  if (Key.toLowerCase().startsWith('aws:')) return 'keys starting with "aws:" are reserved by AWS';
  // Our own journal tags (iam-bootstrap:pending-*) mean "a secret was never saved": a user-set one would make
  // every re-run reset the password.
  if (Key.toLowerCase().startsWith('iam-bootstrap:')) return 'keys starting with "iam-bootstrap:" are reserved for this tool';
  if (!TAG_CHARS.test(Key) || !TAG_CHARS.test(Value)) {
    return 'may contain only letters, digits, spaces and _ . : / = + - @';
  }
  return { Key, Value };
}

/** Console passwords: 1–128 characters of tab, newline, carriage return, or space through ÿ. */
export function checkPasswordCharacters(password: string): string | undefined {
  if (password.length < 1 || password.length > 128) return 'must be 1 to 128 characters long';
  if (!/^[\t\n\r\u0020-\u00ff]+$/.test(password)) return 'contains characters IAM does not accept';
  return undefined;
}

export function checkEndpointUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL such as http://127.0.0.1:5000';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must use http or https';
  return undefined;
}

/**
 * An AWS region name: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1. An empty or
 * mistyped region would otherwise surface only as an unreachable endpoint, after some calls had been made.
 */
export function checkRegion(region: string): string | undefined {
  if (region === '') return 'is empty; give a region name such as us-east-1';
  if (!/^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(region)) return 'is not an AWS region name such as us-east-1 or eu-central-2';
  return undefined;
}

/** An alternate contact's email: 1–254 characters of email syntax (AWS Account Management). */
export function checkContactEmail(email: string): string | undefined {
  if (email.length < 1 || email.length > 254) return 'must be 1 to 254 characters long';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return 'is not an email address such as security@example.com';
  return undefined;
}

/** An alternate contact's phone number: 1–25 of digits, spaces and + - ( ), with at least one digit. */
export function checkContactPhone(phone: string): string | undefined {
  if (phone.length < 1 || phone.length > 25) return 'must be 1 to 25 characters long';
  if (!/^[\s0-9()+-]+$/.test(phone) || !/\d/.test(phone)) return 'may contain only digits, spaces and + - ( ), such as +1 206 555 0100';
  return undefined;
}

export function checkLength(text: string, max: number): string | undefined {
  if (text.trim().length < 1 || text.length > max) return `must be 1 to ${max} characters long`;
  return undefined;
}

/** An Access Analyzer name: 1–255 characters, a letter first, then letters, digits and _ . -. */
export function checkAnalyzerName(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,254}$/.test(name)) return 'must start with a letter and contain only letters, digits and _ . - (at most 255)';
  return undefined;
}

/** A whole number within [min, max], or an error sentence. */
export function parseIntegerInRange(text: string, min: number, max: number): number | string {
  if (!/^\d+$/.test(text.trim())) return `must be a whole number from ${min} to ${max}`;
  const n = Number(text.trim());
  if (n < min || n > max) return `must be from ${min} to ${max}`;
  return n;
}

/** An IAM role ARN: arn:<partition>:iam::<12-digit account>:role/<path/>name. */
export function checkRoleArn(arn: string): string | undefined {
  return /^arn:aws[\w-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/.test(arn)
    ? undefined
    : 'is not an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>)';
}

/** sts:AssumeRole's ExternalId: 2–1224 of letters, digits and +=,.@:/- (AWS's pattern). */
export function checkExternalId(id: string): string | undefined {
  return /^[\w+=,.@:/-]{2,1224}$/.test(id) ? undefined : 'must be 2-1224 letters, digits or +=,.@:/- characters';
}


/** Identity Center reserves these for users and groups (identitystore CreateUser / CreateGroup). */
const IDENTITY_STORE_RESERVED = ['administrator', 'awsadministrators'];

/** An identity store user name: 1–128 letters, marks, symbols, digits or punctuation (none of < > ; : %), not reserved. */
export function checkSsoUserName(name: string): string | undefined {
  if (name.length < 1 || name.length > 128) return 'must be 1 to 128 characters long';
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u.test(name) || /[<>;:%]/.test(name)) {
    return 'may contain letters, digits, symbols and punctuation, but no spaces and none of < > ; : %';
  }
  if (IDENTITY_STORE_RESERVED.includes(name.toLowerCase())) return 'is reserved by IAM Identity Center';
  return undefined;
}

/** An identity store group's display name: 1–1024 characters, no leading or trailing space, not reserved. */
export function checkSsoGroupName(name: string): string | undefined {
  if (name.length < 1 || name.length > 1024) return 'must be 1 to 1024 characters long';
  if (name.trim() !== name) return 'must not start or end with a space';
  if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P} ]+$/u.test(name)) return 'may contain letters, digits, symbols, punctuation and spaces only';
  if (IDENTITY_STORE_RESERVED.includes(name.toLowerCase())) return 'is reserved by IAM Identity Center';
  return undefined;
}

/** A person's given or family name in the identity store: 1–1024 characters, not blank. */
export function checkPersonName(name: string): string | undefined {
  if (name.trim().length < 1 || name.length > 1024) return 'must be 1 to 1024 characters long';
  if (/[\p{Cc}]/u.test(name)) return 'must not contain control characters';
  return undefined;
}

/** A permission set's name: 1–32 letters, digits and + = , . @ _ -. */
export function checkPermissionSetName(name: string): string | undefined {
  if (name.length < 1 || name.length > 32) return 'must be 1 to 32 characters long';
  if (!IAM_NAME.test(name)) return 'may contain only letters, digits and + = , . @ _ -';
  return undefined;
}

/**
 * A permission set's session duration, as a person writes it ("1h", "90m", "2h30m", "PT4H") → minutes, or an error
 * sentence. Identity Center allows 1 to 12 hours.
 */
export function parseSessionDuration(text: string): number | string {
  const t = text.trim();
  const m = /^(?:PT)?(?:(\d+)H)?(?:(\d+)M)?$/i.exec(t);
  if (!t || !m || (m[1] === undefined && m[2] === undefined)) return 'is not a duration such as 1h, 90m, 2h30m or PT4H';
  const minutes = Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0);
  if (minutes < 60 || minutes > 720) return 'must be between 1 hour and 12 hours';
  return minutes;
}

/** Minutes → ISO-8601 as the API takes it: 60 → PT1H, 90 → PT1H30M. */
export function isoDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
}

/** An AWS account id: 12 digits. */
export function checkAccountId(id: string): string | undefined {
  return /^\d{12}$/.test(id) ? undefined : 'is not an AWS account id (12 digits)';
}

/** A monthly budget in USD: a positive amount with at most two decimals ("100", "49.99"); the number, or why not. */
export function parseBudgetAmount(text: string): number | string {
  const t = text.trim();
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(t)) return 'must be an amount in USD such as 100 or 49.99 (digits, at most two decimals)';
  const n = Number(t);
  if (n <= 0) return 'must be more than 0';
  return n;
}

/** A budget name: 1–100 characters, without : or \ (AWS Budgets' rule). */
export function checkBudgetName(name: string): string | undefined {
  if (!/^[^:\\]{1,100}$/.test(name) || name.trim() !== name) return 'must be 1-100 characters without : or \\ and without spaces at either end';
  return undefined;
}

/** A KMS key for EBS: a key id, a multi-Region key id (mrk-…), alias/<name>, or a key or alias ARN. */
export function checkKmsKey(key: string): string | undefined {
  const id = '(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})';
  const alias = 'alias/[A-Za-z0-9/_-]{1,250}';
  const arn = `arn:aws[\\w-]*:kms:[a-z0-9-]+:\\d{12}:(?:key/${id}|${alias})`;
  if (!new RegExp(`^(?:${id}|${alias}|${arn})$`).test(key)) return 'is not a KMS key id, alias/<name>, or key or alias ARN';
  if (key.startsWith('alias/aws/') && key !== 'alias/aws/ebs') return 'names an AWS managed key of another service (alias/aws/ebs is the one for EBS)';
  return undefined;
}

/** A CloudTrail trail name: 3–128 letters, digits, . _ -; a letter or digit at both ends; no two of . _ - together. */
export function checkTrailName(name: string): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/.test(name)) return 'must be 3-128 letters, digits, . _ or -, starting and ending with a letter or digit';
  if (/[._-]{2}/.test(name)) return 'must not have two of . _ - next to each other';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  return undefined;
}

/** An S3 bucket name (general purpose): 3–63 lowercase letters, digits, . and -, per S3's naming rules. */
export function checkBucketName(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) return 'must be 3-63 lowercase letters, digits, . or -, starting and ending with a letter or digit';
  if (name.includes('..')) return 'must not have two dots in a row';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name)) return 'uses a prefix or suffix S3 reserves';
  return undefined;
}
