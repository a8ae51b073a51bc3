/**
 * A monthly cost budget that emails someone before the bill surprises them (SSB ACCT.10): at 80 % and 100 % of
 * actual spend and at 100 % of forecast spend. Cost budgets without actions are free. An existing budget of the
 * same name is kept and changed only by what this run was given: its amount with --budget-amount, and the three
 * notifications (and the email on each) where they are missing.
 */
import {
  CreateBudgetCommand,
  CreateNotificationCommand,
  CreateSubscriberCommand,
  UpdateBudgetCommand,
  type Budget,
  type Notification,
} from '@aws-sdk/client-budgets';
import { budgetsOf, describeNotification, notificationsOf, subscribersOf } from '../account/budgets.js';
import { securityContact } from '../account/contacts.js';
import { isAwsError, UsageError } from '../errors.js';
import { plan, type FieldChange, type Step, type StepContext } from './types.js';

export const DEFAULT_BUDGET_NAME = 'iam-bootstrap-monthly';

/** The notifications every budget init makes carries. */
export const BUDGET_NOTIFICATIONS: Notification[] = [
  { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
  { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
  { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
];

const sameNotification = (a: Notification, b: Notification) =>
  a.NotificationType === b.NotificationType &&
  a.ComparisonOperator === b.ComparisonOperator &&
  Number(a.Threshold) === Number(b.Threshold) &&
  (a.ThresholdType ?? 'PERCENTAGE') === (b.ThresholdType ?? 'PERCENTAGE');

interface BudgetData {
  email?: string;
  create?: boolean;
  newAmount?: number;
  existing?: Budget;
  addNotifications: Notification[];
  addSubscriber: Notification[];
}

/** "100 USD", "99.5 USD" */
const usd = (n: number) => `${n} USD`;

/** Who the budget emails: --budget-email, else the security contact this run sets, else the account's own. */
async function budgetEmail(ctx: StepContext): Promise<string | undefined> {
  return ctx.settings.budget?.email ?? ctx.settings.securityContact?.email ?? (await securityContact(ctx))?.email;
}

const noEmail = () =>
  new UsageError('--budget-email: the budget needs someone to notify, and the account has no security contact email; give --budget-email <address> (or --security-contact-email). Nothing was changed.');

export const budgetStep: Step<BudgetData> = {
  id: 'budget',
  title: 'Cost budget',

  async inspect(ctx) {
    const wanted = ctx.settings.budget;
    const none: BudgetData = { addNotifications: [], addSubscriber: [] };
    if (!wanted) return plan(this, 'skip', 'no budget (none asked for)', none);
    const existing = (await budgetsOf(ctx, ctx.account.accountId)).find((b) => b.BudgetName === wanted.name);
    if (!existing && wanted.amount === undefined) return plan(this, 'skip', 'no budget: --budget-amount <USD a month> sets one', none);
    if (existing && (existing.BudgetType !== 'COST' || existing.TimeUnit !== 'MONTHLY')) {
      throw new UsageError(`--budget-name: the account's budget ${wanted.name} is a ${existing.TimeUnit?.toLowerCase()} ${existing.BudgetType?.toLowerCase()} budget, not a monthly cost budget; it is left alone: choose another --budget-name. Nothing was changed.`);
    }
    const email = await budgetEmail(ctx);
    const alerts = BUDGET_NOTIFICATIONS.map(describeNotification).join(', ');
    if (!email && existing && wanted.amount === undefined) {
      // Nothing was asked of this budget, and there is no one to check its alerts against: it is left as it is.
      return plan(this, 'unchanged', `monthly cost budget ${wanted.name} of ${usd(Number(existing.BudgetLimit?.Amount))} left as it is (no email given to check its alerts against)`, none);
    }
    if (!email) throw noEmail();
    if (!existing) {
      return plan(this, 'create', `monthly cost budget ${wanted.name} of ${usd(wanted.amount ?? 0)}, emailing ${email} at ${alerts}`, { ...none, email, create: true }, [
        { field: 'amount', to: usd(wanted.amount ?? 0) },
        ...BUDGET_NOTIFICATIONS.map((n) => ({ field: 'notification', to: `${describeNotification(n)} → ${email}` })),
      ]);
    }
    const changes: FieldChange[] = [];
    const current = Number(existing.BudgetLimit?.Amount);
    const newAmount = wanted.amount !== undefined && wanted.amount !== current ? wanted.amount : undefined;
    if (newAmount !== undefined) changes.push({ field: 'amount', from: usd(current), to: usd(newAmount) });
    const present = await notificationsOf(ctx, ctx.account.accountId, wanted.name);
    const addNotifications = BUDGET_NOTIFICATIONS.filter((n) => !present.some((p) => sameNotification(p, n)));
    const kept = present.filter((p) => BUDGET_NOTIFICATIONS.some((n) => sameNotification(p, n)));
    const subscribers = await Promise.all(kept.map((n) => subscribersOf(ctx, ctx.account.accountId, wanted.name, n)));
    const addSubscriber = kept.filter((_, i) => !subscribers[i]?.some((s) => s.SubscriptionType === 'EMAIL' && s.Address?.toLowerCase() === email.toLowerCase()));
    for (const n of addNotifications) changes.push({ field: 'notification', to: `${describeNotification(n)} → ${email}` });
    for (const n of addSubscriber) changes.push({ field: 'notification', from: describeNotification(n), to: `${describeNotification(n)} → also ${email}` });
    if (!changes.length) return plan(this, 'unchanged', `monthly cost budget ${wanted.name} of ${usd(current)} emails ${email} at ${alerts}`, none);
    const what = [
      ...(newAmount !== undefined ? [`${usd(current)} → ${usd(newAmount)}`] : []),
      ...(addNotifications.length ? [`${addNotifications.length} alert${addNotifications.length === 1 ? '' : 's'} added`] : []),
      ...(addSubscriber.length ? [`${email} added to ${addSubscriber.length} alert${addSubscriber.length === 1 ? '' : 's'}`] : []),
    ];
    return plan(this, 'update', `monthly cost budget ${wanted.name}: ${what.join(', ')}`, { email, existing, addNotifications, addSubscriber, ...(newAmount !== undefined ? { newAmount } : {}) }, changes);
  },

  async apply(ctx, p) {
    const wanted = ctx.settings.budget;
    const { email } = p.data;
    if (!wanted || !email) return {};
    const client = await ctx.clients.budgets();
    const AccountId = ctx.account.accountId;
    const Subscribers = [{ SubscriptionType: 'EMAIL' as const, Address: email }];
    if (p.data.create) {
      try {
        await client.send(
          new CreateBudgetCommand({
            AccountId,
            Budget: { BudgetName: wanted.name, BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: String(wanted.amount), Unit: 'USD' } },
            NotificationsWithSubscribers: BUDGET_NOTIFICATIONS.map((Notification) => ({ Notification, Subscribers })),
          }),
        );
      } catch (err) {
        // Created by an earlier attempt whose answer was lost: the next run compares it like any existing budget.
        if (!isAwsError(err, 'DuplicateRecord')) throw err;
      }
      return {};
    }
    const existing = p.data.existing;
    if (p.data.newAmount !== undefined && existing) {
      const { CalculatedSpend: _spend, ...rest } = existing;
      await client.send(new UpdateBudgetCommand({ AccountId, NewBudget: { ...rest, BudgetLimit: { Amount: String(p.data.newAmount), Unit: existing.BudgetLimit?.Unit ?? 'USD' } } }));
    }
    for (const Notification of p.data.addNotifications) {
      await client.send(new CreateNotificationCommand({ AccountId, BudgetName: wanted.name, Notification, Subscribers })).catch((err: unknown) => {
        if (!isAwsError(err, 'DuplicateRecord')) throw err;
      });
    }
    for (const Notification of p.data.addSubscriber) {
      await client.send(new CreateSubscriberCommand({ AccountId, BudgetName: wanted.name, Notification, Subscriber: Subscribers[0]! })).catch((err: unknown) => {
        if (!isAwsError(err, 'DuplicateRecord')) throw err;
      });
    }
    return {};
  },
};
