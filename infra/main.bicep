// Tidlig in the municipality's own Azure tenant: the web app that runs the bot and its schedules, the Azure Bot
// with the Teams channel, storage (Tables for the data, Blob for the feeds, Queues for later), Key Vault for the
// secrets and Application Insights. Everything that holds data stays in Norway or the EU.
// Deploy: az deployment group create -g <resource group> -f infra/main.bicep -p infra/main.parameters.json
targetScope = 'resourceGroup'

@description('Short name used in every resource name: lowercase letters, digits and hyphens, e.g. tidlig-fjordvik.')
@minLength(3)
@maxLength(20)
param name string

@description('Region of every resource that holds data. Children\'s data stays in Norway or the EU: norwayeast by default.')
@allowed(['norwayeast', 'norwaywest', 'swedencentral', 'northeurope', 'westeurope', 'germanywestcentral'])
param location string = 'norwayeast'

@description('How the bot proves who it is. UserAssignedMSI: the managed identity this template creates, no secret at all (the tenant must be the subscription\'s). SingleTenant: an Entra app registration (botAppId) whose client secret you put in the Key Vault as bot-password.')
@allowed(['UserAssignedMSI', 'SingleTenant'])
param botType string = 'UserAssignedMSI'

@description('Only with botType SingleTenant: the client id of the bot\'s Entra app registration.')
param botAppId string = ''

@description('The municipality\'s Entra tenant id, where Teams runs (BOT_TENANT_ID).')
param tenantId string = subscription().tenantId

@description('Where Azure Bot Service handles the bot\'s messages: westeurope keeps them in the EU (a regional bot), global is the worldwide service.')
@allowed(['westeurope', 'global'])
param botLocation string = 'westeurope'

@description('Bot Connector URL of the tenant\'s Teams region (BOT_SERVICE_URL), for starting chats with teachers who never wrote to the bot.')
param botServiceUrl string = 'https://smba.trafficmanager.net/emea/'

@description('Organisation file (JSON) on the web app\'s persistent /home share (ORGANISATION_FILE); put it there before deploying the code. Empty: no scheduled nightly run.')
param organisationFile string = '/home/tidlig/organisation.json'

@description('Roster file (CSV) on the web app\'s /home share (ROSTER_FILE). Empty: no scheduled nightly run.')
param rosterFile string = '/home/tidlig/roster.csv'

@description('The absence feed (FEED_FILE): by default the newest blob in the storage account\'s feeds container; a file or folder on /home also works.')
param feedFile string = 'blob:feeds'

@description('When the nightly run starts (NIGHTLY_SCHEDULE): cron in the organisation\'s time zone; it judges up to the day before.')
param nightlySchedule string = '0 7 * * 1-5'

@description('When the leaders\' digests go out (DIGEST_SCHEDULE): cron in the organisation\'s time zone.')
param digestSchedule string = '0 8 * * 1-5'

@description('Language of users who have not chosen one (DEFAULT_LOCALE): nb, nn or en.')
@allowed(['nb', 'nn', 'en'])
param defaultLocale string = 'nb'

@description('App Service plan size: Basic (B1) or higher, so that the app stays always on and the schedules run.')
@allowed(['B1', 'B2', 'B3', 'S1', 'S2', 'S3', 'P0v3', 'P1v3', 'P2v3'])
param appServiceSku string = 'B1'

@secure()
@description('Key of the pseudonyms of people\'s ids in the logs (LOG_PSEUDONYM_KEY). Default: a new random key at each deployment, so pseudonyms can be followed between deployments only if you pass a fixed one.')
param logPseudonymKey string = newGuid()

// Storage account and Key Vault names are global, 24 characters at most, letters and digits only.
var suffix = uniqueString(resourceGroup().id, name)
var compactName = toLower(take(replace(name, '-', ''), 9))
var usesManagedIdentity = botType == 'UserAssignedMSI'
var botId = usesManagedIdentity ? appIdentity.properties.clientId : botAppId

// The web app's identity: it reads the Key Vault secrets and, with botType UserAssignedMSI, is the bot's identity too.
resource appIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}'
  location: location
}

// Tables hold the data (the app creates them); the feeds container takes the absence exports; Queues come later.
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${compactName}${suffix}'
  location: location
  sku: { name: location == 'norwaywest' ? 'Standard_LRS' : 'Standard_ZRS' } // norwaywest has no availability zones
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    accessTier: 'Hot'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource feeds 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'feeds'
  properties: { publicAccess: 'None' }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv${compactName}${suffix}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

// The app reads Table and Blob storage with a connection string; it is kept here, not in the app settings.
resource storageSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

resource pseudonymSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'log-pseudonym-key'
  properties: {
    value: logPseudonymKey
  }
}

resource secretsReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appIdentity.id, 'Key Vault Secrets User')
  scope: vault
  properties: {
    principalId: appIdentity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}'
  location: location
  properties: {
    retentionInDays: 30
    sku: { name: 'PerGB2018' }
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
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
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${appIdentity.id}': {} }
  }
  // The Key Vault references are resolved when the app first starts: the identity must be allowed to read by then.
  dependsOn: [secretsReader]
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: appIdentity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      healthCheckPath: '/healthz'
      appCommandLine: 'node --no-deprecation dist/src/index.js'
      // App Service sets PORT itself. BOT_PASSWORD stays empty with a managed identity: the SDK refuses a password then.
      appSettings: [
        { name: 'BOT_ID', value: botId }
        { name: 'BOT_TYPE', value: botType }
        { name: 'BOT_TENANT_ID', value: tenantId }
        { name: 'BOT_PASSWORD', value: usesManagedIdentity ? '' : '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=bot-password)' }
        { name: 'BOT_SERVICE_URL', value: botServiceUrl }
        { name: 'STORAGE_CONNECTION_STRING', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${storageSecret.name})' }
        { name: 'LOG_PSEUDONYM_KEY', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${pseudonymSecret.name})' }
        { name: 'ORGANISATION_FILE', value: organisationFile }
        { name: 'ROSTER_FILE', value: rosterFile }
        { name: 'FEED_FILE', value: feedFile }
        { name: 'NIGHTLY_SCHEDULE', value: nightlySchedule }
        { name: 'DIGEST_SCHEDULE', value: digestSchedule }
        { name: 'DEFAULT_LOCALE', value: defaultLocale }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' }
      ]
    }
  }
}

// The app logs to standard output (pseudonymous ids only); keep those logs with the telemetry.
resource appLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'console-logs'
  scope: app
  properties: {
    workspaceId: logs.id
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
    ]
  }
}

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${name}-${suffix}'
  location: botLocation
  kind: 'azurebot'
  sku: { name: 'F0' }
  properties: {
    displayName: 'Tidlig'
    endpoint: 'https://${app.properties.defaultHostName}/api/messages'
    msaAppId: botId
    msaAppType: botType
    msaAppTenantId: tenantId
    msaAppMSIResourceId: usesManagedIdentity ? appIdentity.id : null
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: botLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}

@description('The bot\'s messaging endpoint, as registered with Azure Bot Service.')
output botEndpoint string = bot.properties.endpoint

@description('The bot\'s Microsoft app id: BOT_ID in the Teams app manifest.')
output botId string = botId

@description('Host name of the web app: BOT_DOMAIN (validDomains) in the Teams app manifest.')
output botDomain string = app.properties.defaultHostName

@description('Name of the web app, to deploy the code to.')
output appName string = app.name

@description('Name of the Key Vault; with botType SingleTenant, put the bot\'s client secret in it as bot-password.')
output keyVaultName string = vault.name

@description('Name of the storage account; the school administration system drops its absence exports in the feeds container.')
output storageAccountName string = storage.name

@description('Name of the blob container for the absence feeds (FEED_FILE blob:feeds).')
output feedsContainerName string = feeds.name
