/** AWS Budgets: the account's budgets, their notifications and who each notifies. */
import {
  DescribeBudgetsCommand,
  DescribeNotificationsForBudgetCommand,
  DescribeSubscribersForNotificationCommand,
  type Budget,
  type Notification,
  type Subscriber,
} from '@aws-sdk/client-budgets';
import type { AwsClients } from '../aws/clients.js';
import { allPages } from '../aws/pagination.js';
import { isAwsError } from '../errors.js';

type Ctx = { clients: AwsClients };

/** Budgets answers "no budgets" and "no notifications" with NotFoundException. */
const orNone = <T>(err: unknown): T[] => {
  if (isAwsError(err, 'NotFound')) return [];
  throw err;
};

export async function budgetsOf(ctx: Ctx, accountId: string): Promise<Budget[]> {
  const client = await ctx.clients.budgets();
  return allPages(async (NextToken) => {
    const page = await client.send(new DescribeBudgetsCommand({ AccountId: accountId, MaxResults: 100, NextToken }));
    return { items: page.Budgets ?? [], next: page.NextToken };
  }).catch(orNone<Budget>);
}

export async function notificationsOf(ctx: Ctx, accountId: string, budgetName: string): Promise<Notification[]> {
  const client = await ctx.clients.budgets();
  return allPages(async (NextToken) => {
    const page = await client.send(new DescribeNotificationsForBudgetCommand({ AccountId: accountId, BudgetName: budgetName, MaxResults: 100, NextToken }));
    return { items: page.Notifications ?? [], next: page.NextToken };
  }).catch(orNone<Notification>);
}

export async function subscribersOf(ctx: Ctx, accountId: string, budgetName: string, notification: Notification): Promise<Subscriber[]> {
  const client = await ctx.clients.budgets();
  return allPages(async (NextToken) => {
    const page = await client.send(new DescribeSubscribersForNotificationCommand({ AccountId: accountId, BudgetName: budgetName, Notification: notification, MaxResults: 100, NextToken }));
    return { items: page.Subscribers ?? [], next: page.NextToken };
  }).catch(orNone<Subscriber>);
}

/** "ACTUAL > 80%": a notification as people read it. */
export function describeNotification(n: Notification): string {
  const unit = n.ThresholdType === 'ABSOLUTE_VALUE' ? ' USD' : '%';
  const op = n.ComparisonOperator === 'LESS_THAN' ? '<' : n.ComparisonOperator === 'EQUAL_TO' ? '=' : '>';
  return `${(n.NotificationType ?? 'ACTUAL').toLowerCase()} ${op} ${n.Threshold ?? 0}${unit}`;
}
