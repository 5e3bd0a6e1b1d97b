// Tidlig in the municipality's own Azure tenant: the bot's web app, its storage, its secrets and its telemetry.
// Deploy: az deployment group create -g <resource group> -f infra/main.bicep -p infra/main.parameters.json
targetScope = 'resourceGroup'

@description('Short name used in every resource name, e.g. tidlig-fjordvik.')
@minLength(3)
@maxLength(20)
param name string

@description('Region for all resources. Children\'s data stays in Norway or the EU: norwayeast by default.')
@allowed(['norwayeast', 'norwaywest', 'swedencentral', 'northeurope', 'westeurope'])
param location string = 'norwayeast'

@description('Microsoft app id of the bot\'s Entra app registration (single tenant).')
param botAppId string

@description('The municipality\'s Entra tenant id.')
param tenantId string = subscription().tenantId

@description('Cron expression for the nightly run, in the organisation\'s time zone.')
param nightlySchedule string = '30 5 * * *'

@description('App Service plan SKU; B1 or higher keeps the app always on so the nightly schedule runs.')
param appServiceSku string = 'B1'

var suffix = uniqueString(resourceGroup().id, name)
var storageName = take('st${replace(name, '-', '')}${suffix}', 24)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: { name: 'Standard_ZRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv-${name}-${suffix}', 24)
  location: location
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource storageSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}'
  location: location
  properties: { retentionInDays: 30, sku: { name: 'PerGB2018' } }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: 'plan-${name}'
  location: location
  sku: { name: appServiceSku }
  kind: 'linux'
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: 'app-${name}-${suffix}'
  location: location
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/healthz'
      appCommandLine: 'node --no-deprecation dist/src/index.js'
      appSettings: [
        { name: 'BOT_ID', value: botAppId }
        { name: 'BOT_TYPE', value: 'SingleTenant' }
        { name: 'BOT_TENANT_ID', value: tenantId }
        { name: 'BOT_PASSWORD', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=bot-password)' }
        { name: 'STORAGE_CONNECTION_STRING', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${storageSecret.name})' }
        { name: 'NIGHTLY_SCHEDULE', value: nightlySchedule }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
      ]
    }
  }
}

// The web app reads its secrets from Key Vault with its own identity: no secret in app settings.
resource secretsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, 'Key Vault Secrets User')
  scope: vault
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${name}'
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: 'Tidlig'
    endpoint: 'https://${app.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppTenantId: tenantId
    msaAppType: 'SingleTenant'
    developerAppInsightKey: insights.properties.InstrumentationKey
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

output botEndpoint string = bot.properties.endpoint
output botDomain string = app.properties.defaultHostName
output keyVaultName string = vault.name
output storageAccountName string = storage.name
